#!/usr/bin/python3
"""synth_taxonomy.py - write a synthetic skidx taxonomy with N aliases.

For benchmarking the matcher at a scale beyond the default taxonomy
(skidx-bench's match.synth10k, and anyone measuring alias-count scaling).
The aliases are made up but shaped like real ones:

  * short tokens (2-3 bytes: "qx", "b7r"), mid-length words, long compound
    words ("streamforge"), multi-word phrases ("graph quorum tuning");
  * punctuation forms: C++ / C# style suffixes, .NET style leading dots,
    dotted and hyphenated names ("vex.js", "zorn-lite"), versions ("v2");
  * a share of case-sensitive literals (=Name) and of negatives (!...);
  * a few hundred aliases are real tech words that occur in generated
    postings ("python", "docker", ...) so that the benchmark finds skills.

Every alias has at least one ASCII letter or digit and no TAB, and each
positive alias belongs to one skill only (caseless), as taxonomy/FORMAT.md
requires. Output is deterministic for a given --seed and --aliases.

usage: synth_taxonomy.py -o DIR [--aliases N] [--seed S] [--roles FILE]
                         [--no-regex]
  --roles FILE   copy this roles.tsv (default: taxonomy/roles.tsv, else
                 tests/e2e/taxonomy/roles.tsv, else a minimal one)
  --no-regex     only literal aliases (default: 1 % regex aliases)
"""
import argparse
import os
import random
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

REAL = """python java javascript typescript golang rust scala kotlin swift ruby
perl php haskell elixir erlang clojure julia matlab fortran cobol sql nosql
postgresql mysql sqlite mongodb cassandra redis elasticsearch kafka spark
hadoop hive flink airflow dbt snowflake bigquery redshift databricks tableau
looker excel pandas numpy scipy matplotlib seaborn plotly jupyter pytorch
tensorflow keras jax scikit-learn xgboost lightgbm catboost huggingface
transformers langchain llamaindex openai anthropic bert gpt llama mistral
rag lora qlora peft rlhf onnx tensorrt triton cuda opencv yolo docker
kubernetes helm terraform ansible jenkins gitlab github git linux bash
aws azure gcp lambda s3 ec2 sagemaker vertex mlflow kubeflow ray dask
prometheus grafana datadog fastapi flask django react angular vue node
graphql rest grpc microservices statistics probability regression nlp
computer vision reinforcement learning deep learning machine learning
time series forecasting recommendation systems a/b testing causal inference
bayesian optimization mlops devops ci/cd agile scrum jira confluence""".split()

SYL = ["ka", "lo", "mi", "ren", "tor", "vex", "zan", "qui", "bel", "dra",
       "fen", "gor", "hul", "jin", "kes", "lum", "nor", "pyx", "ros", "sul",
       "tam", "ux", "vor", "wex", "yal", "zet", "quo", "brix", "cal", "dex"]
WORDS = ["graph", "stream", "quorum", "vector", "shard", "lattice", "kernel",
         "tensor", "cache", "forge", "pipeline", "mesh", "flux", "beacon",
         "ledger", "cipher", "orbit", "prism", "relay", "signal", "vault"]
SUFFIX = ["++", "#", ".js", ".io", "-lite", " v2", " 3", ".net", "-core",
          " studio", " cloud", " db", " ml", " sdk"]


def make_alias(rng):
    r = rng.random()
    if r < 0.10:   # short token, 2-3 bytes
        n = rng.choice([2, 3])
        return "".join(rng.choice("bcdfghjklmnpqrstvwxz0123456789")
                       if i else rng.choice("bcdfghjklmnpqrstvwxz")
                       for i in range(n))
    if r < 0.45:   # one made-up word
        return "".join(rng.choice(SYL) for _ in range(rng.randint(2, 4)))
    if r < 0.60:   # long compound
        return rng.choice(WORDS) + "".join(rng.choice(SYL)
                                           for _ in range(rng.randint(2, 3)))
    if r < 0.85:   # multi-word phrase
        parts = [rng.choice(WORDS + ["".join(rng.choice(SYL) for _ in range(2))])
                 for _ in range(rng.randint(2, 4))]
        return " ".join(parts)
    if r < 0.95:   # punctuation suffix
        return "".join(rng.choice(SYL) for _ in range(rng.randint(1, 2))) + \
            rng.choice(SUFFIX)
    # leading dot, like .NET
    return "." + "".join(rng.choice(SYL) for _ in range(rng.randint(1, 2)))


def default_roles():
    for p in (os.path.join(ROOT, "taxonomy", "roles.tsv"),
              os.path.join(ROOT, "tests", "e2e", "taxonomy", "roles.tsv")):
        if os.path.exists(p):
            return p
    return None


MINIMAL_ROLES = """# minimal roles for a synthetic taxonomy
role\tML Engineer\t10\tml engineer\tmachine learning engineer
role\tData Scientist\t20\tdata scientist
role\tOther\t99
level\tSenior\t20\tsenior
level\tMid\t50
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-o", "--out", required=True)
    ap.add_argument("--aliases", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--roles")
    ap.add_argument("--no-regex", action="store_true")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    os.makedirs(a.out, exist_ok=True)

    seen = set()          # caseless positive aliases
    skills = []           # (name, category, [aliases])
    total = 0
    cats = ["Languages", "Data", "ML", "Cloud", "Tools", "Practices"]

    def take(alias):
        k = alias.lower()
        if k in seen or "\t" in alias:
            return False
        seen.add(k)
        return True

    # real words first: one skill each, so generated postings hit them
    for w in REAL:
        if total >= a.aliases:
            break
        if take(w):
            skills.append(["Real " + w, rng.choice(cats), [w]])
            total += 1
    sid = 0
    while total < a.aliases:
        sid += 1
        n = min(rng.choice([1, 1, 2, 2, 3, 4, 6]), a.aliases - total)
        al = []
        tries = 0
        while len(al) < n and tries < 50:
            tries += 1
            x = make_alias(rng)
            if not take(x):
                continue
            r = rng.random()
            if r < 0.05 and any(ch.isalpha() for ch in x):
                x = "=" + x[0].upper() + x[1:]      # case-sensitive literal
            elif r < 0.06 and not a.no_regex:
                base = x.lstrip(".").split(" ")[0]
                base = "".join(ch for ch in base if ch.isalnum()) or "zz"
                x = "/\\b%s[- ]?%s\\b/" % (base, rng.choice(SYL))
            al.append(x)
        if not al:
            continue
        total += len(al)
        lit = [x for x in al if not x.startswith("/")]
        if lit and rng.random() < 0.03:              # a negative phrase
            al.append("!" + lit[0].lstrip("=") + " " + rng.choice(WORDS))
        skills.append(["Synth %05d" % sid, rng.choice(cats), al])

    with open(os.path.join(a.out, "skills.tsv"), "w", encoding="utf-8") as f:
        f.write("# synthetic taxonomy: scripts/synth_taxonomy.py --aliases %d "
                "--seed %d\n" % (a.aliases, a.seed))
        f.write("@name\tsynthetic-%d\n@version\tseed-%d\n" % (a.aliases, a.seed))
        for name, cat, al in skills:
            f.write("\t".join([name, cat] + al) + "\n")
    roles = a.roles or default_roles()
    dst = os.path.join(a.out, "roles.tsv")
    if roles and os.path.exists(roles):
        shutil.copyfile(roles, dst)
    else:
        with open(dst, "w", encoding="utf-8") as f:
            f.write(MINIMAL_ROLES)
    print("synth_taxonomy: %d skills, %d aliases -> %s" %
          (len(skills), total, a.out), file=sys.stderr)


if __name__ == "__main__":
    main()
