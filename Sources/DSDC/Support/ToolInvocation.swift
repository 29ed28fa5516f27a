import Foundation

/// How the user started the tool, so that a command it prints (a hint, the next
/// lesson, how to resume) can be typed as it stands, in the same folder:
///
/// - an executable inside `<package>/.build/…` (as `swift run` starts it), run from
///   `<package>` itself: `swift run -c release dsdc` (`swift run dsdc` for a debug build);
/// - otherwise the program name as it was typed (`argv[0]`): `dsdc` when found on the
///   `PATH`, or the path given, such as `../dsdc/.build/release/dsdc`.
public struct ToolInvocation: Sendable, Equatable {
  /// The words that start every printed command.
  public var prefix: [String]

  /// The product name `swift run` needs.
  public static let productName = "dsdc"

  public init(prefix: [String]) {
    self.prefix = prefix
  }

  /// - Parameters:
  ///   - argument0: the program name as started (`CommandLine.arguments[0]`).
  ///   - executablePath: the running executable's path, if known.
  ///   - workingDirectory: the folder the command runs in.
  public init(argument0: String, executablePath: String?, workingDirectory: String) {
    let here = URL(fileURLWithPath: workingDirectory, isDirectory: true).resolvingSymlinksInPath().standardizedFileURL
    if let executablePath,
      let (package, release) = Self.buildFolder(of: URL(fileURLWithPath: executablePath, relativeTo: here)),
      package.path == here.path
    {
      prefix = ["swift", "run"] + (release ? ["-c", "release"] : []) + [Self.productName]
    } else {
      prefix = [argument0.isEmpty ? Self.productName : argument0]
    }
  }

  /// This process's invocation.
  public static var current: ToolInvocation {
    ToolInvocation(
      argument0: CommandLine.arguments.first ?? productName, executablePath: Bundle.main.executablePath,
      workingDirectory: FileManager.default.currentDirectoryPath)
  }

  /// The command that runs the tool with `arguments`, quoted for a shell.
  public func command(_ arguments: [String]) -> String {
    ShellQuoting.line(prefix + arguments)
  }

  /// The package whose `.build` folder holds `executable` (symlinks resolved), and
  /// whether it is a release build; `nil` outside a package's `.build`.
  static func buildFolder(of executable: URL) -> (package: URL, release: Bool)? {
    let components = executable.resolvingSymlinksInPath().standardizedFileURL.pathComponents
    guard let build = components.lastIndex(of: ".build"), build > 0 else { return nil }
    let package = URL(fileURLWithPath: NSString.path(withComponents: Array(components[..<build])), isDirectory: true)
    guard FileManager.default.fileExists(atPath: package.appendingPathComponent("Package.swift").path) else {
      return nil
    }
    return (package.standardizedFileURL, components[(build + 1)...].contains("release"))
  }
}
