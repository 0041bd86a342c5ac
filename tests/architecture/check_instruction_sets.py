#!/usr/bin/env python3
"""The interpreter's x86-64-v3 copy stays confined (src/vm/instruction_set.h): in the disassembled program, no function
outside the namespace segmint::vm::x86_64_v3 uses an instruction past the x86-64 baseline (SSE2) but those the
build chose to clone for the CPU at load time (popcnt in functions cloned as `.popcnt`). Such an instruction in a
function the baseline code calls (an inline function of the standard library compiled with the copy, say) would
stop the program on a CPU without it, which a test on a newer CPU never sees.
    check_instruction_sets.py PROGRAM..."""
import re
import subprocess
import sys

# Mnemonics of instruction sets past SSE2: every VEX/EVEX-encoded instruction (AVX, AVX2, FMA, ...) starts with `v`;
# then SSE3, SSSE3, SSE4.1/4.2, BMI1/2, LZCNT, MOVBE and POPCNT ones that have no `v`. Not TZCNT: GCC writes
# `rep bsf` for a count of trailing zeros in baseline code (the same bytes, BSF on a CPU without BMI1).
PAST_BASELINE = re.compile(
    r"^(v[a-z0-9]+|andn|bextr|blsi|blsmsk|blsr|bzhi|mulx|pdep|pext|rorx|sarx|shlx|shrx|lzcnt|movbe|popcnt|"
    r"pshufb|palignr|pabs[bwd]|phadd[wd]|phsub[wd]|pmaddubsw|pmulhrsw|psign[bwd]|"
    r"ptest|pblendvb|pblendw|blendv?p[sd]|pmovzx[a-z]+|pmovsx[a-z]+|pminsb|pminsd|pminuw|pminud|pmaxsb|pmaxsd|pmaxuw|pmaxud|pcmpeqq|pcmpgtq|"
    r"pextr[bdq]|pinsr[bdq]|pmulld|pmuldq|packusdw|round[sp][sd]|dpp[sd]|insertps|extractps|movntdqa|"
    r"pcmp[ei]str[im]|crc32[a-z]*|haddp[sd]|hsubp[sd]|addsubp[sd]|lddqu|movddup|movs[hl]dup)$")
ALLOWED_FUNCTION = re.compile(r"segmint::vm::x86_64_v3::|segmint::vm::make_x86_64_v3_interpreter")


def check(program):
    listing = subprocess.run(["objdump", "-d", "-C", "--no-show-raw-insn", program], check=True,
                             capture_output=True, text=True).stdout
    function = ""
    problems = {}
    v3_functions = 0
    for line in listing.splitlines():
        header = re.match(r"^[0-9a-f]+ <(.*)>:$", line)
        if header:
            function = header.group(1)
            v3_functions += bool(ALLOWED_FUNCTION.search(function))
            continue
        parts = line.split("\t")
        if len(parts) < 2 or not parts[0].strip().endswith(":"):
            continue
        mnemonic = parts[1].split()[0] if parts[1].split() else ""
        if mnemonic in ("rep", "repz", "repnz", "lock", "notrack", "bnd", "data16") and len(parts[1].split()) > 1:
            mnemonic = parts[1].split()[1]
        if not PAST_BASELINE.match(mnemonic) or ALLOWED_FUNCTION.search(function):
            continue
        if mnemonic == "popcnt" and ".popcnt" in function:
            continue
        problems.setdefault(function, set()).add(mnemonic)
    for function, mnemonics in sorted(problems.items()):
        print("%s: %s: %s" % (program, function, " ".join(sorted(mnemonics))))
    if problems:
        return "%s: %d functions outside the x86-64-v3 copy use instructions past the baseline" % (
            program, len(problems))
    if v3_functions == 0:
        return "%s has no x86-64-v3 copy of the interpreter to check" % program
    print("%s: %d functions of the x86-64-v3 copy; none outside it uses an instruction past the baseline" % (
        program, v3_functions))
    return None


def main():
    failures = [failure for failure in map(check, sys.argv[1:]) if failure]
    if failures:
        sys.exit("check_instruction_sets: " + "; ".join(failures))


if __name__ == "__main__":
    main()
