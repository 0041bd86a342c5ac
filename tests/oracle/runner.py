"""Running the segmint binary: check, eval (counts as JSON) and eval --members."""
import json
import re
import subprocess

DIAG_RE = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning)\[(?P<code>\w+)\]: "
                     r"(?P<msg>.*)$", re.M)


class ToolError(Exception):
    """segmint exited unexpectedly (crash, exit 2, unparsable output)."""

    def __init__(self, what, cmd, rc, stdout, stderr):
        super().__init__(what)
        self.what = what
        self.cmd = cmd
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr

    def describe(self):
        return "%s\n  command: %s\n  exit code: %s\n  stderr: %s" % (
            self.what, " ".join(self.cmd), self.rc, (self.stderr or "").strip()[:2000])


class Config:
    def __init__(self, name, args):
        self.name = name
        self.args = args


def configs_for(binary):
    """vm with 1 and 2 threads, the reference engine when there is one, and vm without optimizer passes."""
    help_text = subprocess.run([binary, "eval", "--help"], capture_output=True, text=True, timeout=60).stdout
    cfgs = [Config("vm-t1", ["--threads", "1"]), Config("vm-t2", ["--threads", "2"])]
    if "--engine" in help_text and "reference" in help_text:
        cfgs.append(Config("reference", ["--engine", "reference", "--threads", "1"]))
    if "--no-optimize" in help_text:
        cfgs.append(Config("vm-noopt", ["--threads", "1", "--no-optimize"]))
    return cfgs


class Tool:
    def __init__(self, binary, timeout=300):
        self.binary = binary
        self.timeout = timeout
        self.runs = 0
        self.event_args = []      # `--events NAME=FILE` for every table of the schema, on every eval

    def _run(self, args):
        self.runs += 1
        cmd = [self.binary] + args
        try:
            p = subprocess.run(cmd, capture_output=True, timeout=self.timeout)
        except subprocess.TimeoutExpired as e:
            raise ToolError("timeout after %ss" % self.timeout, cmd, None, "", "")
        return cmd, p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")

    def check(self, seg, schema, as_of):
        """Returns (rc, diagnostics list of dicts, output). E112 depends on the as-of, so check gets the run's."""
        cmd, rc, out, err = self._run(["check", seg, "--schema", schema, "--color", "never", "--as-of", as_of])
        text = out + err
        diags = [m.groupdict() for m in DIAG_RE.finditer(text)]
        if rc not in (0, 1):
            raise ToolError("check exited with %s" % rc, cmd, rc, out, err)
        return rc, diags, text

    def eval_counts(self, seg, schema, data, as_of, cfg):
        """{'rows': N, 'counts': {segment: count}}; raises ToolError unless it exits 0 with JSON."""
        args = ["eval", seg, "--schema", schema, "--data", data, "--as-of", as_of, "--format", "json",
                "--color", "never"] + cfg.args + self.event_args
        cmd, rc, out, err = self._run(args)
        if rc != 0:
            diags = [m.groupdict() for m in DIAG_RE.finditer(out + err)]
            e = ToolError("eval exited with %s" % rc, cmd, rc, out, err)
            e.diags = diags
            raise e
        try:
            j = json.loads(out)
            counts = {s["name"]: s["count"] for s in j["segments"]}
            return {"rows": j["rows"], "as_of": j.get("as_of"), "counts": counts}
        except (ValueError, KeyError, TypeError):
            raise ToolError("eval printed no valid JSON", cmd, rc, out, err)

    def members(self, seg, schema, data, as_of, cfg, segment, out_file):
        args = ["eval", seg, "--schema", schema, "--data", data, "--as-of", as_of, "--members", segment,
                "-o", out_file, "--color", "never"] + cfg.args + self.event_args
        cmd, rc, out, err = self._run(args)
        if rc != 0:
            raise ToolError("eval --members exited with %s" % rc, cmd, rc, out, err)
        with open(out_file, encoding="utf-8") as f:
            return [line.strip() for line in f if line.strip()]

    def command_line(self, args):
        return " ".join(shq(a) for a in [self.binary] + args)


def shq(s):
    if re.fullmatch(r"[A-Za-z0-9_./:=+-]+", s):
        return s
    return "'" + s.replace("'", "'\\''") + "'"


def write(path, text):
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)
