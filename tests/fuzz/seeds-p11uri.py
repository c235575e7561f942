#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""seeds-p11uri.py: write the seed corpus of fuzz_p11uri (PKCS#11 URIs, RFC 7512 section 7
forms and the hostile ones mavis refuses) into tests/fuzz/corpus/p11uri."""
import os
import sys

SEEDS = {
    "empty": "pkcs11:",
    "token-object": "pkcs11:token=mavis;object=release",
    "rfc-example": "pkcs11:token=The%20Software%20PKCS%2311%20Softtoken;"
                   "manufacturer=Snake%20Oil,%20Inc.;model=1.0;object=my-certificate;"
                   "type=cert;id=%69%95%3E%5C%F4%BD%EC%91;serial=",
    "query": "pkcs11:object=a?pin-value=1234&module-path=/usr/lib/softhsm/libsofthsm2.so",
    "pin-source": "pkcs11:object=a?pin-source=file:/etc/token/pin",
    "library": "pkcs11:library-manufacturer=Snake%20Oil,%20Inc.;library-description="
               "Soft%20Token;library-version=1;slot-id=0;slot-description=x",
    "bad-percent": "pkcs11:object=a%4",
    "nul-label": "pkcs11:object=a%00b",
    "twice": "pkcs11:object=a;object=b",
    "unknown": "pkcs11:x-vendor=1",
    "query-in-path": "pkcs11:pin-value=1",
    "both-pins": "pkcs11:?pin-value=1&pin-source=f",
    "space": "pkcs11:token=a b",
    "type": "pkcs11:type=weird",
    "trailing": "pkcs11:token=a;;?&",
}

def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "corpus", "p11uri")
    os.makedirs(out, exist_ok=True)
    for name, text in SEEDS.items():
        with open(os.path.join(out, name), "w", encoding="ascii") as f:
            f.write(text)

if __name__ == "__main__":
    main()
