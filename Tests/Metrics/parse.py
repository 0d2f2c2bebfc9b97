"""Parses Prometheus text-format files with the official client's parser and prints what they hold, as JSON.

    parse.py FILE...  ->  {"FILE": {"FAMILY": {"type": "counter", "samples": [{"name": …, "labels": {…}, "value": …}]}}}

Any file the parser refuses makes it exit with status 1 and the parser's error: the end-to-end tests feed it every
service's GET /metrics.
"""

import json
import sys

from prometheus_client.parser import text_string_to_metric_families


def parse(text):
    families = {}
    for family in text_string_to_metric_families(text):
        if family.name in families:
            raise ValueError(f"family {family.name} appears twice")
        families[family.name] = {
            "type": family.type,
            "samples": [{"name": s.name, "labels": s.labels, "value": s.value} for s in family.samples],
        }
    return families


def main(paths):
    result = {}
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        try:
            result[path] = parse(text)
        except Exception as error:  # the parser's own errors are ValueError, but anything it raises is a failure
            print(f"{path}: not valid Prometheus text: {error}", file=sys.stderr)
            return 1
    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
