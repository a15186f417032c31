#!/usr/bin/env python3
"""Turns the twelve benchmark builds into the table and bench/results.json (called by bench/run).

    measure.py OUT_DIR RESULTS_JSON

OUT_DIR holds, for each schema S in (mqtt, synthetic64) and implementation I in (none, rust, c):
  S-I.elf     the benchmark firmware
  S-I.out     what it printed under QEMU: "bench S I ok=1 stack=N"
  S-I.trace   QEMU's log of every instruction it executed (-d exec,nochain, one instruction per
              translation block): one "Trace ..." line per instruction, with the PC

and S-rust-text-as-bytes.{elf,out,trace}: each schema's Rust fetch with its text fields as bytes
(`MqttTextAsBytes`, `Synthetic64TextAsBytes`: no UTF-8 validation, which the C does not do
either), reported beside the table and in the JSON as the schema's "rust_text_as_bytes";
synthetic64-rust-field-defaults.{elf,out,trace}:
synthetic64's Rust fetch with two integer fields given a `default` (each then an ops entry of its
own), reported beside the table and in the JSON as synthetic64's "rust_field_defaults"; and
two-structs-{none,rust,c}.{elf,out,trace}:
a firmware with both schemas' settings structs, fetched one after the other (each through its own
channel), reported beside the table and in the JSON as "two_structs" (the three figures, each
against two-structs-none, with the sum of the two schemas' own flash figures beside them).

Figures, for rust and c, each against the `none` build of the same schema:
  flash         (.text + .rodata) of the build minus that of `none`: the code and constants
                the fetch adds (notification setup and handler, channel open, fetch, commit).
  stack         peak bytes below the caller's stack pointer during the call (painted stack);
                an interrupt taken during the fetch pushes its frame there too.
  instructions  instructions executed between the markers bench_begin and bench_end, minus
                those executed inside the fake Microvisor (it stands for the secure world, whose
                work is the same for both), minus the `none` build's count (the harness's call).
"""
import json
import re
import subprocess
import sys

SCHEMAS = ["mqtt", "synthetic64"]
# The longest encoded value each schema accepts: the hex of a 1536-byte key (3072 characters)
# and a 64-character text. The stack goal is at most this plus 256 bytes.
LONGEST = {"mqtt": 3072, "synthetic64": 64}
TRACE_PC = re.compile(rb"^Trace [0-9]+: \S+ \[[0-9a-f]+/([0-9a-f]+)/")


def tool(name):
    return subprocess.run(name, check=True, capture_output=True, text=True).stdout


def flash(elf):
    sizes = {}
    for line in tool(["arm-none-eabi-size", "-A", elf]).splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] in (".text", ".rodata"):
            sizes[parts[0]] = int(parts[1])
    return sizes.get(".text", 0) + sizes.get(".rodata", 0)


def symbols(elf):
    """Address of each defined symbol, and the [start, end) ranges of the fake's functions."""
    addr, fake = {}, []
    for line in tool(["arm-none-eabi-nm", "-S", "--defined-only", elf]).splitlines():
        parts = line.split()
        if len(parts) == 3:
            addr.setdefault(parts[2], int(parts[0], 16) & ~1)
        elif len(parts) == 4:
            start = int(parts[0], 16) & ~1
            addr.setdefault(parts[3], start)
            # The fake: its entry points (mv...), their bodies (fake_mv...) and its helpers
            # (module path `fake`).
            name = parts[3]
            if parts[2] in "tT" and (name.startswith(("mv", "fake_")) or "4fake" in name):
                fake.append((start, start + int(parts[1], 16)))
    return addr, fake


def instructions(elf, trace):
    addr, fake = symbols(elf)
    begin, end = addr["bench_begin"], addr["bench_end"]
    total = in_fake = 0
    counting = False
    with open(trace, "rb") as log:
        for line in log:
            match = TRACE_PC.match(line)
            if not match:
                continue
            pc = int(match.group(1), 16)
            if not counting:
                counting = pc == begin
                continue
            if pc == end:
                break
            total += 1
            if any(lo <= pc < hi for lo, hi in fake):
                in_fake += 1
        else:
            raise SystemExit(f"{trace}: no bench_end after bench_begin")
    return total - in_fake, in_fake


def printed(out):
    with open(out) as fh:
        text = fh.read()
    match = re.search(r"bench \S+ \S+ ok=(\d) stack=(\d+)", text)
    if not match or match.group(1) != "1":
        raise SystemExit(f"{out}: the fetch did not succeed: {text.strip()}")
    return int(match.group(2))


def measured(base):
    """The raw figures of one build, from base.elf, base.out and base.trace."""
    own, fake = instructions(f"{base}.elf", f"{base}.trace")
    return {"flash": flash(f"{base}.elf"), "stack": printed(f"{base}.out"), "instructions": own,
            "fake": fake}


def figure(raw, imp, name):
    """Figure `name` of build `imp` among the raw figures `raw` of one firmware's builds: the
    stack as measured, flash and instructions less the `none` build's."""
    if name == "stack":
        return raw[imp]["stack"]
    return raw[imp][name] - raw["none"][name]


def same_exchange(raw, imps, label):
    """Stops if the builds `imps` did not make the same exchange with the fake (the same count of
    its instructions): then they did not do the same work, and comparing them would mislead."""
    counts = {raw[imp]["fake"] for imp in imps}
    if len(counts) != 1:
        raise SystemExit(f"{label}: {', '.join(imps)} made different exchanges with the fake")


def two_structs(out_dir, results):
    """The figures of the firmware with both schemas' structs, against its own `none` build, and
    for flash the sum of the one-struct builds' beside them: what sharing the fetch's core saves."""
    raw = {imp: measured(f"{out_dir}/two-structs-{imp}") for imp in ("none", "rust", "c")}
    same_exchange(raw, ("rust", "c"), "two-structs")
    entry = {}
    for name in ("flash", "stack", "instructions"):
        rust, c = figure(raw, "rust", name), figure(raw, "c", name)
        entry[name] = {"rust": rust, "c": c, "ratio": round(rust / c, 2) if c else None}
    entry["flash"]["rust_one_struct_sum"] = sum(results[s]["flash"]["rust"] for s in SCHEMAS)
    entry["flash"]["c_one_struct_sum"] = sum(results[s]["flash"]["c"] for s in SCHEMAS)
    return entry


def main():
    out_dir, results_path = sys.argv[1], sys.argv[2]
    results, rows, missed = {}, [], []
    for schema in SCHEMAS:
        extras = {"mqtt": ["rust-text-as-bytes"],
                  "synthetic64": ["rust-text-as-bytes", "rust-field-defaults"]}[schema]
        imps = ["none", "rust", "c"] + extras
        raw = {imp: measured(f"{out_dir}/{schema}-{imp}") for imp in imps}
        same_exchange(raw, [imp for imp in imps if imp != "none"], schema)
        entry = {}
        for name in ("flash", "stack", "instructions"):
            rust, c = figure(raw, "rust", name), figure(raw, "c", name)
            ratio = round(rust / c, 2) if c else None
            entry[name] = {"rust": rust, "c": c, "ratio": ratio}
            goal = rust <= c
            note = "rust <= c"
            if name == "stack":
                limit = LONGEST[schema] + 256
                goal = goal and rust <= limit
                note = f"rust <= c and <= {limit}"
            rows.append((schema, name, rust, c, ratio, note, "met" if goal else "MISSED"))
            if not goal:
                missed.append(f"{schema} {name}")
        entry["fake_instructions"] = {i: raw[i]["fake"] for i in ("rust", "c")}
        for extra in extras:
            entry[extra.replace("-", "_")] = {
                name: figure(raw, extra, name) for name in ("flash", "stack", "instructions")
            }
        results[schema] = entry
    results["two_structs"] = two_structs(out_dir, results)
    with open(results_path, "w") as fh:
        json.dump(results, fh, indent=2)
        fh.write("\n")
    head = ("schema", "figure", "rust", "c", "rust/c", "goal", "")
    widths = [12, 13, 8, 8, 7, 26, 6]
    line = lambda cells: "  ".join(str(c).rjust(w) if i in (2, 3, 4) else str(c).ljust(w)
                                   for i, (c, w) in enumerate(zip(cells, widths))).rstrip()
    print(line(head))
    for row in rows:
        print(line(row))
    print()
    for schema in SCHEMAS:
        fake = results[schema]["fake_instructions"]
        print(f"{schema}: the fake Microvisor executed {fake['rust']} instructions for rust, "
              f"{fake['c']} for c (not counted above)")
    for schema in SCHEMAS:
        bytes_, entry = results[schema]["rust_text_as_bytes"], results[schema]
        print(f"{schema}, rust with its text fields as bytes (no UTF-8 validation; the C checks only "
              f"for NUL): flash {bytes_['flash']} (c {entry['flash']['c']}), stack {bytes_['stack']}, "
              f"instructions {bytes_['instructions']}")
    defaults, syn = results["synthetic64"]["rust_field_defaults"], results["synthetic64"]
    print(f"synthetic64, rust with a u16 and an i32 field given a `default` (an ops entry each): "
          f"flash {defaults['flash']} (+{defaults['flash'] - syn['flash']['rust']}), "
          f"stack {defaults['stack']}, instructions {defaults['instructions']}")
    two = results["two_structs"]
    print("both structs in one firmware (mqtt's and synthetic64's, one fetch each): "
          + ", ".join(f"{figure} {two[figure]['rust']} (c {two[figure]['c']}, rust/c {two[figure]['ratio']})"
                      for figure in ("flash", "stack", "instructions"))
          + f"; flash of each alone, summed: rust {two['flash']['rust_one_struct_sum']}, "
            f"c {two['flash']['c_one_struct_sum']}")
    print(f"goals (rust against c) missed: {', '.join(missed) if missed else 'none'}")
    print(f"wrote {results_path}")


if __name__ == "__main__":
    main()
