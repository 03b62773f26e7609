#!/usr/bin/env python3
"""Fails when a locked dependency needs a newer Rust than a workspace crate declares.

For every workspace package, walks the resolved graph of its normal and build
dependencies (dev-dependencies are not part of what users compile) in
`cargo metadata --locked`, takes the highest `rust-version` found, and compares it
with the package's own `rust-version`. Prints one line per package.
"""
import json
import subprocess
import sys


def version(text):
    parts = [int(p) for p in (text or "0").split(".")]
    return tuple(parts + [0] * (3 - len(parts)))


def main():
    out = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--locked"],
        check=True, capture_output=True, text=True,
    ).stdout
    meta = json.loads(out)
    packages = {p["id"]: p for p in meta["packages"]}
    nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}

    def closure(root):
        seen, todo = set(), [root]
        while todo:
            node = nodes[todo.pop()]
            for dep in node["deps"]:
                kinds = {k["kind"] for k in dep["dep_kinds"]}
                if kinds - {"dev"} and dep["pkg"] not in seen:
                    seen.add(dep["pkg"])
                    todo.append(dep["pkg"])
        return seen

    failed = False
    for member in meta["workspace_members"]:
        package = packages[member]
        declared = package.get("rust_version")
        needs, by = (0, 0, 0), "nothing"
        for dep in closure(member):
            wanted = version(packages[dep].get("rust_version"))
            if wanted > needs:
                needs, by = wanted, f"{packages[dep]['name']} {packages[dep]['version']}"
        ok = declared is not None and version(declared) >= needs
        failed |= not ok
        need_text = ".".join(map(str, needs))
        print(f"{'ok  ' if ok else 'FAIL'} {package['name']}: declares {declared}, needs {need_text} ({by})")
    if failed:
        print("a dependency needs a newer Rust than declared: raise rust-version or pin the dependency")
        sys.exit(1)


if __name__ == "__main__":
    main()
