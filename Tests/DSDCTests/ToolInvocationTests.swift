import DSDC
import Foundation
import Testing

/// The command dsdc prints for the user to type next, whichever way it was started.
@Suite("Printed commands match how dsdc was started", .removesTemporaryFolders)
struct ToolInvocationTests {
  /// `package/Package.swift` with release and debug builds, and an installed copy.
  static func tree() throws -> URL {
    let root = try makeTemporaryDirectory()
    for folder in [
      "package/.build/x86_64-unknown-linux-gnu/release", "package/.build/x86_64-unknown-linux-gnu/debug",
      "package/Sources", "bin", "nopackage/.build/release",
    ] {
      try FileManager.default.createDirectory(
        at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
    }
    try Data().write(to: root.appendingPathComponent("package/Package.swift"))
    // `.build/release` is a symlink to the platform's folder, as SwiftPM makes it.
    try FileManager.default.createSymbolicLink(
      atPath: root.appendingPathComponent("package/.build/release").path,
      withDestinationPath: "x86_64-unknown-linux-gnu/release")
    return root
  }

  @Test func swiftRunInsideThePackage() throws {
    let root = try Self.tree()
    let package = root.appendingPathComponent("package").path
    let release = ToolInvocation(
      argument0: package + "/.build/release/dsdc", executablePath: package + "/.build/release/dsdc",
      workingDirectory: package)
    #expect(release.command(["lesson", "2"]) == "swift run -c release dsdc lesson 2")
    let debug = ToolInvocation(
      argument0: ".build/x86_64-unknown-linux-gnu/debug/dsdc",
      executablePath: package + "/.build/x86_64-unknown-linux-gnu/debug/dsdc", workingDirectory: package)
    #expect(debug.command(["--help"]) == "swift run dsdc --help")
  }

  /// Outside the package, `swift run` would not find it: the path as typed works.
  @Test func thePathAsTypedOutsideThePackage() throws {
    let root = try Self.tree()
    let executable = root.appendingPathComponent("package/.build/release/dsdc").path
    for folder in ["bin", "package/Sources"] {
      let invocation = ToolInvocation(
        argument0: "../package/.build/release/dsdc", executablePath: executable,
        workingDirectory: root.appendingPathComponent(folder).path)
      #expect(invocation.prefix == ["../package/.build/release/dsdc"], "\(folder)")
    }
  }

  @Test func aNameFoundOnThePathStaysAName() throws {
    let root = try Self.tree()
    let installed = ToolInvocation(
      argument0: "dsdc", executablePath: root.appendingPathComponent("bin/dsdc").path, workingDirectory: root.path)
    #expect(installed.command(["train", "--output", "my runs"]) == "dsdc train --output 'my runs'")
    // A `.build` folder that is not a package's is no reason for `swift run`.
    let stray = ToolInvocation(
      argument0: "dsdc", executablePath: root.appendingPathComponent("nopackage/.build/release/dsdc").path,
      workingDirectory: root.appendingPathComponent("nopackage").path)
    #expect(stray.prefix == ["dsdc"])
    #expect(ToolInvocation(argument0: "", executablePath: nil, workingDirectory: root.path).prefix == ["dsdc"])
  }

  @Test func wordsAreQuotedForTheShell() {
    #expect(ShellQuoting.line(["a", "b c", "it's", "", "x=1,y/z.png"]) == #"a 'b c' 'it'\''s' '' x=1,y/z.png"#)
    #expect(ShellQuoting.word("$HOME") == "'$HOME'")
    // Laid out in lines: quoted words stay whole, a ` \` ends every line but the last.
    let words = ["dsdc", "compare", "--output", "/tmp/My Output", "--data", "it's"]
    let quoted = ShellQuoting.line(words)
    #expect(ShellQuoting.split(quoted) == words.map(ShellQuoting.word))
    #expect(
      ShellQuoting.lines(quoted: quoted, indent: "  ", width: 30)
        == ["  dsdc compare --output \\", "    '/tmp/My Output' --data \\", "    'it'\\''s'"])
    #expect(
      ShellQuoting.lines(words, indent: "  ", width: 30) == ShellQuoting.lines(quoted: quoted, indent: "  ", width: 30))
    #expect(ToolInvocation(prefix: ["/opt/my tools/dsdc"]).command(["--version"]) == "'/opt/my tools/dsdc' --version")
  }
}
