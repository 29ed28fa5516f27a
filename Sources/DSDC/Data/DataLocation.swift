import Foundation

/// Where dsdc finds the MNIST folder, wherever the user stands. In order:
///
/// 1. `--data DIR`, taken as given;
/// 2. the `DSDC_DATA` environment variable (if not empty), taken as given;
/// 3. `Data/mnist` in the working folder;
/// 4. `Data/mnist` of the package the executable was built in: the nearest folder
///    above the executable (symlinks resolved, e.g. `<package>/.build/release/dsdc`)
///    that holds both `Package.swift` and `Data/mnist`;
/// 5. `Data/mnist` of the package this file was compiled from (`#filePath`), for an
///    executable copied out of its package.
///
/// The first two are the user's own choice: a folder named there is used even if it
/// does not exist (loading then names it). Steps 3–5 take the first folder that exists.
public enum DataLocation {
  /// The environment variable that points every command at another IDX folder.
  public static let environmentVariable = "DSDC_DATA"
  /// The dataset's folder inside the package (and the working folder).
  public static let defaultPath = "Data/mnist"

  /// How the folder was chosen.
  public enum Source: Sendable, Equatable {
    case option, environment, workingDirectory, executablePackage, sourcePackage

    /// The words after the folder in the tool's `Data:` line.
    public var phrase: String {
      switch self {
      case .option: return "from --data"
      case .environment: return "from $\(DataLocation.environmentVariable)"
      case .workingDirectory: return "found in the current folder"
      case .executablePackage: return "found in the package dsdc was built in"
      case .sourcePackage: return "found in the package dsdc was compiled from"
      }
    }
  }

  /// The folder chosen and why.
  public struct Found: Sendable, Equatable {
    /// The folder, as an absolute path.
    public var directory: URL
    /// Which step of the search chose it.
    public var source: Source

    public init(directory: URL, source: Source) {
      self.directory = directory
      self.source = source
    }

    /// `/home/me/dsdc/Data/mnist (found in the current folder)`.
    public var description: String { "\(directory.path) (\(source.phrase))" }
  }

  /// What the search depends on besides the file system; `current` is this process's.
  public struct Surroundings: Sendable {
    /// The environment (for `DSDC_DATA`).
    public var environment: [String: String]
    /// The working folder (absolute).
    public var workingDirectory: String
    /// The running executable's path, if known.
    public var executablePath: String?
    /// A source file of the package the executable was compiled from.
    public var sourceFile: String

    public init(
      environment: [String: String], workingDirectory: String, executablePath: String?,
      sourceFile: String
    ) {
      self.environment = environment
      self.workingDirectory = workingDirectory
      self.executablePath = executablePath
      self.sourceFile = sourceFile
    }

    /// This process's environment, working folder, executable and this file's build-time path.
    public static var current: Surroundings {
      Surroundings(
        environment: ProcessInfo.processInfo.environment,
        workingDirectory: FileManager.default.currentDirectoryPath,
        executablePath: Bundle.main.executablePath, sourceFile: DataLocation.compiledFrom)
    }
  }

  /// This file's path when it was compiled: `<package>/Sources/DSDC/Data/DataLocation.swift`.
  static let compiledFrom = #filePath

  /// The folder to read: the first step of the search that gives one.
  /// Throws `DataLocationError` when `--data` is empty or no step finds a folder.
  public static func locate(option: String?, in surroundings: Surroundings = .current) throws(DataLocationError)
    -> Found
  {
    let here = URL(fileURLWithPath: surroundings.workingDirectory, isDirectory: true)
    func absolute(_ path: String) -> URL {
      URL(fileURLWithPath: path, relativeTo: here).standardizedFileURL
    }
    if let option {
      guard !option.isEmpty else { throw .emptyOption }
      return Found(directory: absolute(option), source: .option)
    }
    if let variable = surroundings.environment[environmentVariable], !variable.isEmpty {
      return Found(directory: absolute(variable), source: .environment)
    }
    let inWorkingDirectory = absolute(defaultPath)
    if isDirectory(inWorkingDirectory) { return Found(directory: inWorkingDirectory, source: .workingDirectory) }
    let executable = surroundings.executablePath.map { absolute($0).resolvingSymlinksInPath() }
    if let executable, let package = package(above: executable) {
      return Found(directory: package.appendingPathComponent(defaultPath), source: .executablePackage)
    }
    let source = absolute(surroundings.sourceFile)
    if let package = package(above: source) {
      return Found(directory: package.appendingPathComponent(defaultPath), source: .sourcePackage)
    }
    throw .notFound(workingDirectory: here.standardizedFileURL.path, executable: executable?.path, source: source.path)
  }

  /// The nearest folder above `file` that holds `Package.swift` and `Data/mnist`.
  static func package(above file: URL) -> URL? {
    var folder = file.deletingLastPathComponent()
    while true {
      if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path),
        isDirectory(folder.appendingPathComponent(defaultPath))
      {
        return folder
      }
      let parent = folder.deletingLastPathComponent()
      if parent.path == folder.path { return nil }
      folder = parent
    }
  }

  private static func isDirectory(_ url: URL) -> Bool {
    var isFolder: ObjCBool = false
    return FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) && isFolder.boolValue
  }
}

/// Why no data folder could be chosen; one line naming the problem and the fix.
public enum DataLocationError: Error, CustomStringConvertible, Equatable {
  /// `--data ""`.
  case emptyOption
  /// No step of the search found a folder: there is no `Data/mnist` in the working
  /// folder, nor a package holding one above the executable or the source file.
  case notFound(workingDirectory: String, executable: String?, source: String)

  public var description: String {
    let fix = "pass --data DIR or set \(DataLocation.environmentVariable)=DIR, a folder with the four MNIST IDX files"
    switch self {
    case .emptyOption:
      return "--data names no folder (it is empty) — HINT: \(fix)"
    case .notFound(let workingDirectory, let executable, let source):
      let above = (executable.map { ["dsdc (\($0))"] } ?? []) + ["its source (\(source))"]
      return "found no \(DataLocation.defaultPath) folder in the current folder (\(workingDirectory)) or in a package "
        + "above \(above.joined(separator: " or ")) — HINT: \(fix)"
    }
  }
}
