/* SPDX-License-Identifier: Apache-2.0 */
/* formats.h: the content analysers of src/scan, one per format family (analyse.c lists them). */
#ifndef MV_SCAN_FORMATS_H
#define MV_SCAN_FORMATS_H

#include "scan/analyse.h"

extern const struct mv_analyser mv_analyser_safetensors;
extern const struct mv_analyser mv_analyser_gguf;
extern const struct mv_analyser mv_analyser_template;
extern const struct mv_analyser mv_analyser_onnx;
extern const struct mv_analyser mv_analyser_savedmodel;
extern const struct mv_analyser mv_analyser_keras;
extern const struct mv_analyser mv_analyser_nemo;
extern const struct mv_analyser mv_analyser_exec;
extern const struct mv_analyser mv_analyser_arrow;
extern const struct mv_analyser mv_analyser_parquet;
extern const struct mv_analyser mv_analyser_hfcode;
extern const struct mv_analyser mv_analyser_mlflow;
extern const struct mv_analyser mv_analyser_polyglot;

#endif
