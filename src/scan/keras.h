/* SPDX-License-Identifier: Apache-2.0 */
/* keras.h: checks of a Keras model configuration, shared by the .keras, HDF5 and SavedModel
 * readers. */
#ifndef MV_SCAN_KERAS_H
#define MV_SCAN_KERAS_H

#include <jansson.h>
#include "scan/analyse.h"

/*
 * Walk every object of a Keras configuration (the serialized model of config.json, an HDF5
 * model_config attribute, a layer's metadata in keras_metadata.pb) and report Lambda layers,
 * modules outside the Keras packages, custom objects, TorchModuleWrapper and function
 * references that load models, download files or turn safe mode off. where names the source
 * in evidence; offset is where the JSON starts in the entry, or -1.
 */
void mv_keras_check(struct mv_report *rep, json_t *config, const char *where, int64_t offset);

/* True when the JSON looks like a serialized Keras object: class_name and config at the top. */
int mv_keras_is_config(json_t *root);

#endif
