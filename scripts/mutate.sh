#!/usr/bin/env bash
# Mutation testing of the rules that decide (issue #25; docs/testing.md "Mutation testing").
#
#   bash scripts/mutate.sh                 # every module below
#   bash scripts/mutate.sh formulas access # some of them
#   ZI_MUTATE_CHILDREN=4 bash scripts/mutate.sh audit
#   ZI_MUTATE_KEEP=1 bash scripts/mutate.sh audit  # keep the scratch copy: `cd` there, `.venv/bin/mutmut show <mutant>`
#
# mutmut (3.x) mutates one module at a time in a scratch copy of the working tree laid out as src/zi (mutmut's
# default source path: the original package is then not importable, so every test imports the mutants), runs the
# module's tests against each mutant and writes the survivors and the score to var/mutation/<name>.txt. The score
# is killed / (killed + survived + no tests + timeout + suspicious); "skipped" mutants (mutmut could not apply them)
# are not counted. Lines marked `# pragma: no mutate` are equivalent-mutant sites explained where they are marked.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${ZI_VENV:-$ROOT/.venv}"
OUT="$ROOT/var/mutation"
CHILDREN="${ZI_MUTATE_CHILDREN:-$(nproc)}"
MUTATE_DB="${ZI_MUTATE_DATABASE:-postgres://postgres@127.0.0.1:5432}"  # a PostgreSQL server (test databases only)

# name | module to mutate (under zi/) | tests that decide on it
MODULES=(
  "formulas|zi/lke/formulas.py|tests/test_formulas.py tests/test_label_functions.py tests/test_scoring.py tests/test_answer_services.py"
  "scoring|zi/lke/scoring/engine.py|tests/test_scoring.py tests/test_rescoring.py"
  "access|zi/organisations/access.py|tests/test_permissions.py tests/test_scoped.py"
  "audit|zi/core/audit.py|tests/test_audit.py tests/test_audit_tamper.py"
  "indices|zi/surveys/indices.py|tests/surveys/test_indices.py tests/surveys/test_ikm_command.py tests/surveys/test_unit_indices.py::test_differing_typed_value_needs_a_source"
  "machine|zi/workflow/machine.py|tests/workflow/test_transitions.py tests/workflow/test_conclusion_guard.py tests/workflow/test_proposal.py"
)

"$VENV/bin/python" -c "import mutmut" 2>/dev/null || "$VENV/bin/python" -m pip install -q "mutmut>=3.3,<4"
mkdir -p "$OUT"
wanted=("$@")
status=0
for entry in "${MODULES[@]}"; do
  IFS='|' read -r name module tests <<<"$entry"
  if [ ${#wanted[@]} -gt 0 ] && [[ ! " ${wanted[*]} " =~ " ${name} " ]]; then continue; fi
  work="$(mktemp -d "${TMPDIR:-/tmp}/zi-mutate-$name.XXXXXX")"
  # the working tree as it is (tracked and new files, not ignored ones), with the package moved under src/
  (cd "$ROOT" && git ls-files -co --exclude-standard -z | xargs -0 -I{} cp --parents {} "$work/" 2>/dev/null || true)
  mkdir -p "$work/src" && mv "$work/zi" "$work/src/zi"
  ln -s "$VENV" "$work/.venv"
  selection=$(printf '"%s", ' $tests)
  cat >>"$work/pyproject.toml" <<EOF

[tool.mutmut]
source_paths = ["src"]
only_mutate = ["src/$module"]
# tests that compare code with its documentation (the role table of docs/security.md) read docs/
also_copy = ["docs"]
pytest_add_cli_args_test_selection = [${selection%, }]
pytest_add_cli_args = ["-p", "no:cacheprovider", "-q", "-x", "--reuse-db"]
# a mutant's tests may take this long before it counts as a timeout: generous, so that a loaded machine does not
# turn live mutants into "timeouts"
timeout_multiplier = 20.0
timeout_constant = 15.0
EOF
  echo "==> mutating $module against: $tests ($CHILDREN at a time; scratch copy $work)" >&2
  started=$(date +%s)
  # Each mutant runs its tests in a fresh pytest session: the test database is created once (by mutmut's first,
  # "stats" run) and reused (--reuse-db), on PostgreSQL so that parallel mutants do not lock one SQLite file.
  (cd "$work" && DATABASE_URL="$MUTATE_DB/zi_mutate_$name" "$VENV/bin/mutmut" run --max-children "$CHILDREN" \
      >"$work/run.log" 2>&1) || {
    echo "mutmut failed for $name: see $work/run.log" >&2; status=1; continue; }
  seconds=$(( $(date +%s) - started ))
  (cd "$work" && "$VENV/bin/mutmut" results --all true 2>/dev/null) >"$work/results.txt" || true
  "$VENV/bin/python" - "$work/results.txt" "$OUT/$name.txt" "$name" "$module" "$seconds" <<'PY'
import collections, sys
results, out, name, module, seconds = sys.argv[1:]
counts, survivors = collections.Counter(), []
for line in open(results, encoding="utf-8"):
    if ":" not in line:
        continue
    mutant, outcome = (part.strip() for part in line.rsplit(":", 1))
    counts[outcome] += 1
    if outcome != "killed" and outcome != "skipped":
        survivors.append(f"{mutant}: {outcome}")
counted = sum(n for outcome, n in counts.items() if outcome != "skipped")
score = 100.0 * counts["killed"] / counted if counted else 0.0
summary = f"{name} ({module}): {counts['killed']}/{counted} killed = {score:.1f} % in {seconds} s; " + ", ".join(
    f"{outcome} {n}" for outcome, n in sorted(counts.items()))
with open(out, "w", encoding="utf-8") as handle:
    handle.write(summary + "\n" + "\n".join(survivors) + "\n")
print(summary)
PY
  if [ -n "${ZI_MUTATE_KEEP:-}" ]; then echo "kept $work (mutmut show <mutant> there)" >&2; else rm -rf "$work"; fi
done
exit $status
