import DSDC
import Foundation
import Testing

/// posix_openpt, grantpt, unlockpt and ptsname from the C library. Swift's Glibc module
/// leaves them out (glibc declares them only for _XOPEN_SOURCE), so there they are looked up
/// by name.
enum PseudoTerminal {
  #if canImport(Glibc)
    static let open = symbol("posix_openpt", as: (@convention(c) (Int32) -> Int32).self)
    static let grant = symbol("grantpt", as: (@convention(c) (Int32) -> Int32).self)
    static let unlock = symbol("unlockpt", as: (@convention(c) (Int32) -> Int32).self)
    static let name = symbol("ptsname", as: (@convention(c) (Int32) -> UnsafeMutablePointer<CChar>?).self)

    static func symbol<T>(_ name: String, as type: T.Type) -> T {
      guard let handle = dlopen(nil, RTLD_NOW), let address = dlsym(handle, name) else {
        preconditionFailure("\(name) is not in the C library")
      }
      return unsafeBitCast(address, to: type)
    }
  #else
    static let open = posix_openpt
    static let grant = grantpt
    static let unlock = unlockpt
    static let name = ptsname
  #endif
}

/// Runs the built `dsdc` with its standard output on a pseudo-terminal (what a learner's
/// terminal is to the program) and returns everything it printed there, `\r\n` read as `\n`.
func runToolOnTerminal(_ arguments: [String], environment: [String: String]) throws -> (status: Int32, stdout: String) {
  guard let tool = toolURL() else {
    throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "dsdc next to \(CommandLine.arguments[0])"])
  }
  let master = PseudoTerminal.open(O_RDWR | O_NOCTTY)
  guard master >= 0, PseudoTerminal.grant(master) == 0, PseudoTerminal.unlock(master) == 0,
    let name = PseudoTerminal.name(master)
  else {
    throw CocoaError(.fileReadUnknown, userInfo: [NSFilePathErrorKey: "a pseudo-terminal"])
  }
  let terminal = open(name, O_RDWR | O_NOCTTY)
  guard terminal >= 0 else { throw CocoaError(.fileReadUnknown, userInfo: [NSFilePathErrorKey: String(cString: name)]) }
  let process = Process()
  process.executableURL = tool
  process.arguments = arguments
  process.currentDirectoryURL = repositoryRoot
  process.environment = environment
  process.standardOutput = FileHandle(fileDescriptor: terminal, closeOnDealloc: false)
  process.standardError = Pipe()
  // The terminal's side is read while the tool writes: a full buffer would stop it.
  // A read normally ends in EIO once the tool has exited and closed its side; waiting
  // for data at most 0.1 s at a time, the reader also stops when the tool has exited
  // and nothing is left to read, should a read never end (once seen under
  // ThreadSanitizer, with no process holding the terminal open).
  let (done, exited) = (DispatchSemaphore(value: 0), DispatchSemaphore(value: 0))
  nonisolated(unsafe) var output = Data()
  DispatchQueue.global().async {
    var buffer = [UInt8](repeating: 0, count: 4096)
    var waiting = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
    while true {
      let ready = poll(&waiting, 1, 100)
      if ready < 0 && errno == EINTR { continue }
      if ready == 0 {
        if exited.wait(timeout: .now()) == .success { break }
        continue
      }
      let count = ready < 0 ? -1 : read(master, &buffer, buffer.count)
      if count <= 0 { break }
      output.append(contentsOf: buffer[0..<count])
    }
    done.signal()
  }
  try process.run()
  close(terminal)
  process.waitUntilExit()
  exited.signal()
  done.wait()
  close(master)
  let text = String(decoding: output, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
  return (process.terminationStatus, text)
}

@Suite("Colour on a terminal, plain text everywhere else", .removesTemporaryFolders)
struct TerminalOutputTests {
  /// The environment of a learner's colour terminal, or with one of `changes`.
  static func environment(_ changes: [String: String] = [:]) -> [String: String] {
    var environment = ProcessInfo.processInfo.environment
    environment["NO_COLOR"] = nil
    environment["TERM"] = "xterm-256color"
    return environment.merging(changes) { $1 }
  }

  /// On a terminal the ✓ lines are green and the ERRATUM lines red; what the run saves
  /// (lesson.json, the report page) holds the same lines without a single escape code.
  @Test func coloursReachTheTerminalOnly() throws {
    let folder = try makeTemporaryDirectory()
    let run = try runToolOnTerminal(["lesson", "3", "--output", folder.path], environment: Self.environment())
    #expect(run.status == 0)
    let lines = run.stdout.split(separator: "\n")
    #expect(lines.contains { $0.hasPrefix("\u{1B}[32m  ✓ ") && $0.hasSuffix("\u{1B}[0m") })
    #expect(lines.contains { $0.hasPrefix("\u{1B}[31mERRATUM (article §3.1") })
    #expect(!lines.contains { $0.hasPrefix("Next:") && $0.contains("\u{1B}") })
    let record = try LessonRecord.load(from: folder.appendingPathComponent("03-depthwise/lesson.json"))
    #expect(record.lines.contains { $0.hasPrefix("  ✓ ") } && record.lines.contains { $0.hasPrefix("ERRATUM") })
    for file in ["03-depthwise/lesson.json", "index.html"] {
      let bytes = try Data(contentsOf: folder.appendingPathComponent(file))
      let text = String(decoding: bytes, as: UTF8.self).lowercased()
      #expect(!bytes.contains(0x1B) && !text.contains("\\u001b") && !text.contains("&#27;"), "\(file)")
    }
  }

  /// NO_COLOR (any value but "") and TERM=dumb turn colour off on a terminal.
  @Test(arguments: [["NO_COLOR": "1"], ["TERM": "dumb"]])
  func noColourWhenAsked(changes: [String: String]) throws {
    let folder = try makeTemporaryDirectory()
    let run = try runToolOnTerminal(["lesson", "3", "--output", folder.path], environment: Self.environment(changes))
    #expect(run.status == 0)
    #expect(run.stdout.contains("  ✓ ") && !run.stdout.contains("\u{1B}"))
  }

  /// Into a pipe (or a file) the output is plain text.
  @Test func pipedOutputIsPlain() throws {
    let folder = try makeTemporaryDirectory()
    let run = try runTool(["lesson", "3", "--output", folder.path])
    #expect(run.status == 0)
    #expect(run.stdout.contains("  ✓ ") && run.stdout.contains("ERRATUM") && !run.stdout.contains("\u{1B}"))
  }
}
