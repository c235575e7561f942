/* SPDX-License-Identifier: Apache-2.0 */
/* version.c: the versions of the libraries mavis runs on, as loaded (not as compiled), for
 * mavis --version and bug reports. */
#include "config.h"

#include <string.h>

#include <archive.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <yaml.h>
#include <zlib.h>

#include "mavis.h"

const char *
mv_version_of(const char *component)
{
	if (component == NULL)
		return NULL;
	if (strcmp(component, "openssl") == 0)
		return OpenSSL_version(OPENSSL_VERSION);
	if (strcmp(component, "libarchive") == 0)
		return archive_version_string();
	if (strcmp(component, "zlib") == 0)
		return zlibVersion();
	if (strcmp(component, "jansson") == 0)
		return jansson_version_str();
	if (strcmp(component, "libyaml") == 0)
		return yaml_get_version_string();
	return NULL;
}
