import { describe, expect, it } from "vitest";
import { markerAdmits, pythonVersionFile } from "../lib/engine/markers.ts";

describe("markerAdmits", () => {
  it.each([
    ["python_full_version < '3.8'", "3.12.11", false],
    ["python_full_version < '3.8'", "3.7.9", true],
    ["python_full_version == '3.12.*'", "3.12.11", true],
    ["python_full_version == '3.12.*'", "3.12", true],
    ['python_version >= "3.10"', "3.12.11", true],
    ["'3.8' > python_version", "3.12", false],
    ["python_full_version >= '3.8.1' and python_full_version < '3.9' and sys_platform != 'win32'", "3.12.11", false],
    // an unknown clause can be true or false: false only when the known part settles it
    ["sys_platform == 'darwin'", "3.12", true],
    ["sys_platform == 'darwin' and python_version < '3.8'", "3.12", false],
    ["sys_platform == 'darwin' or python_version < '3.8'", "3.12", true],
    ["(python_version < '3.8' or python_version >= '3.13') and extra == 'gpu'", "3.12", false],
    ["(python_version < '3.8' or python_version >= '3.13') and extra == 'gpu'", "3.13.1", true],
    ["python_version not in '3.6, 3.7'", "3.12", true],
    // what it cannot parse can hold
    ["python_version <", "3.12", true],
    ["python_version < '3.8' junk", "3.12", true],
    ["", "3.12", true],
  ])("%s on Python %s: %s", (marker, python, expected) => {
    expect(markerAdmits(marker, python)).toBe(expected);
  });
});

describe("pythonVersionFile", () => {
  it("reads one plain CPython version", () => {
    expect(pythonVersionFile("3.12.11\n")).toBe("3.12.11");
    expect(pythonVersionFile("# pinned\n3.11\n")).toBe("3.11");
    expect(pythonVersionFile("cpython-3.10.4\n")).toBe("3.10.4");
    expect(pythonVersionFile("pypy3.10\n")).toBeUndefined();
    expect(pythonVersionFile("system\n")).toBeUndefined();
    expect(pythonVersionFile("")).toBeUndefined();
  });
});
