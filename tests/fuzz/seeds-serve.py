#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""seeds-serve.py: write the seed corpus of fuzz_serve (scan request bodies as Harbor sends
them, and the malformed ones mavis serve refuses) into tests/fuzz/corpus/serve."""
import json
import os
import sys

D = "sha256:" + "0123456789abcdef" * 4
GOOD = {"registry": {"url": "https://core.harbor.domain", "authorization": "Basic eDp5"},
        "artifact": {"repository": "library/mongo", "digest": D, "tag": "v1",
                     "mime_type": "application/vnd.oci.image.manifest.v1+json"},
        "enabled_capabilities": [
            {"type": "vulnerability",
             "produces_mime_types": ["application/vnd.security.vulnerability.report; "
                                     "version=1.1"], "parameters": None},
            {"type": "sbom",
             "produces_mime_types": ["application/vnd.security.sbom.report+json; version=1.0"],
             "parameters": {"sbom_media_types": ["application/vnd.cyclonedx+json"]}}]}
SEEDS = {
    "harbor": json.dumps(GOOD),
    "minimal": json.dumps({"registry": {"url": "http://127.0.0.1:5000"},
                           "artifact": {"repository": "a", "digest": D}}),
    "ipv6": json.dumps({"registry": {"url": "http://[::1]:5000/"},
                        "artifact": {"repository": "a_b/c-d.e", "digest": D}}),
    "model": json.dumps({"registry": {"url": "https://r"},
                         "artifact": {"repository": "m", "digest": "sha512:" + "ab" * 64,
                                      "mime_type": "application/vnd.cncf.model.manifest.v1"
                                                   "+json"},
                         "enabled_capabilities": [{"type": "model-security",
                                                   "produces_mime_types": [
                                                       "application/vnd.security.model."
                                                       "report+json; version=1.0"]}]}),
    "crlf": json.dumps({"registry": {"url": "https://r", "authorization": "Basic a\r\nX: y"},
                        "artifact": {"repository": "a", "digest": D}}),
    "traversal": json.dumps({"registry": {"url": "https://r"},
                             "artifact": {"repository": "a/../b", "digest": D}}),
    "types": '{"registry":"x","artifact":[1]}',
    "deep": '{"a":' + "[" * 40 + "]" * 40 + "}",
    "broken": '{"registry": {"url": "https://r"',
    "escapes": '{"registry":{"url":"https:\\/\\/r\\u0000"},"artifact":{"repository":"a",'
               '"digest":"' + D + '"}}',
    "accept": "text/html, application/vnd.security.model.report+json;version=1.0, */*",
    "accept-raw": "APPLICATION/VND.SCANNER.ADAPTER.VULN.REPORT.RAW ; q=0.5",
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "corpus", "serve")
    os.makedirs(out, exist_ok=True)
    for name, text in SEEDS.items():
        with open(os.path.join(out, name), "w", encoding="ascii") as f:
            f.write(text)


if __name__ == "__main__":
    main()
