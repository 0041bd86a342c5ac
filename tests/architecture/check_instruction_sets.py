#!/usr/bin/env python3
"""The interpreter's x86-64-v3 copy stays confined (src/vm/instruction_set.h). In the disassembled program:
- no function outside the namespace segmint::vm::x86_64_v3 uses an instruction past the x86-64 baseline (SSE2) but
  those the build chose to clone for the CPU at load time (popcnt in functions cloned as `.popcnt`; anything in the
  copies GCC's target_clones makes for x86-64-v3, `[clone .arch_x86_64_v3]`, which their resolver picks only on such
  a CPU: the snapshot reader's checks; the checksum's AVX2 code, namespace segmint::snapshot::avx2, which the hasher
  runs only where the CPU has AVX2);
- no function but such a resolver calls or jumps into one of those copies, and none but the hasher into the AVX2 code;
- no function outside the copy calls or jumps into it, but through its one entry, make_x86_64_v3_interpreter (which
  vm::Machine calls only where the CPU has x86-64-v3): a static initializer of the copy, say, runs at every start.
Either would stop the program on a CPU without x86-64-v3, which a test on a newer CPU never sees.
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
    r"pcmp[ei]str[im]|crc32[a-z]*|haddp[sd]|hsubp[sd]|addsubp[sd]|lddqu|movddup|movs[hl]dup|mpsadbw|phminposuw|"
    r"fisttp[a-z]*|cmpxchg16b|lahf|sahf)$")
ALLOWED_FUNCTION = re.compile(r"segmint::vm::x86_64_v3::|segmint::vm::make_x86_64_v3_interpreter")
ENTRY = "segmint::vm::make_x86_64_v3_interpreter"
CLONE = "[clone .arch_x86_64_v3]"
AVX2_CODE = "segmint::snapshot::avx2::"
AVX2_CALLERS = ("segmint::snapshot::ChunkHasher::add_stripes(", "segmint::snapshot::ChunkHasher::add(")
PREFIXES = ("rep", "repz", "repe", "repnz", "repne", "lock", "notrack", "bnd", "data16", "{vex}", "{vex3}", "{evex}")


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
        words = parts[1].split()
        while len(words) > 1 and words[0] in PREFIXES:
            words = words[1:]
        mnemonic = words[0] if words else ""
        if ALLOWED_FUNCTION.search(function) or function.endswith(CLONE) or function.startswith(AVX2_CODE):
            continue
        target = re.search(r"<([^<>]*(?:<.*>)?[^<>]*)>$", parts[-1].strip())
        if (mnemonic.startswith("call") or mnemonic.startswith("j")) and target:
            callee = re.sub(r"\+0x[0-9a-f]+$", "", target.group(1))
            if ALLOWED_FUNCTION.search(callee) and not callee.startswith(ENTRY):
                problems.setdefault(function, set()).add("%s into the copy (%s)" % (mnemonic, callee[:120]))
            if callee.endswith(CLONE) and not function.endswith("[clone .resolver]"):
                problems.setdefault(function, set()).add("%s into a clone (%s)" % (mnemonic, callee[:120]))
            if callee.startswith(AVX2_CODE) and not function.startswith(AVX2_CALLERS):
                problems.setdefault(function, set()).add("%s into the AVX2 code (%s)" % (mnemonic, callee[:120]))
        if not PAST_BASELINE.match(mnemonic):
            continue
        if mnemonic == "popcnt" and ".popcnt" in function:
            continue
        problems.setdefault(function, set()).add(mnemonic)
    for function, mnemonics in sorted(problems.items()):
        print("%s: %s: %s" % (program, function, " ".join(sorted(mnemonics))))
    if problems:
        return "%s: %d functions outside the x86-64-v3 copy use instructions past the baseline or call into it" % (
            program, len(problems))
    if v3_functions == 0:
        return "%s has no x86-64-v3 copy of the interpreter to check" % program
    print("%s: %d functions of the x86-64-v3 copy; none outside it uses an instruction past the baseline or calls "
          "into it but through %s" % (program, v3_functions, ENTRY))
    return None


def main():
    failures = [failure for failure in map(check, sys.argv[1:]) if failure]
    if failures:
        sys.exit("check_instruction_sets: " + "; ".join(failures))


if __name__ == "__main__":
    main()
