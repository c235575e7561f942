/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_modelcard.c: the model card front matter parser (report/modelcard.c), which reads the
 * YAML at the top of a package's README.md, text the package's author controls. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mavis.h"
#include "core/str.h"
#include "report/modelcard.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_list(const struct mv_strlist *l)
{
	if (l->n > MV_MODELCARD_ITEMS)
		abort();
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i] == NULL || !mv_utf8_valid(l->v[i], strlen(l->v[i])))
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mv_modelcard *card = NULL;
	char err[256];

	err[0] = '\0';
	if (mv_modelcard_parse((const char *)data, size, &card, err, sizeof(err)) != MV_OK) {
		if (card != NULL || err[0] == '\0' || strchr(err, '\n') != NULL)
			abort();
		return 0;
	}
	if (card != NULL) {
		check_list(&card->base_model);
		check_list(&card->datasets);
		check_list(&card->tags);
		check_list(&card->language);
		check_list(&card->metrics);
		mv_modelcard_free(card);
	}
	return 0;
}
