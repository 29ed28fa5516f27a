import DSDC
import Foundation
import Testing

/// The data folder's search order, on temporary folders with the environment, the
/// working folder, the executable and the source file given explicitly.
@Suite("Where dsdc finds the MNIST folder", .removesTemporaryFolders)
struct DataLocationTests {
  /// A temporary tree:
  ///
  ///     here/Data/mnist/                       a working folder with the data
  ///     empty/                                 a working folder without
  ///     package/Package.swift, Data/mnist/     the package the executable was built in
  ///     package/.build/x86_64/release/dsdc
  ///     bin/dsdc → package/.build/x86_64/release/dsdc
  ///     source/Package.swift, Data/mnist/      the package the source was compiled from
  ///     bare/Package.swift                     a package without Data/mnist
  ///     bare/.build/release/dsdc
  struct Tree {
    let root: URL
    func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    init() throws {
      root = try makeTemporaryDirectory()
      let manager = FileManager.default
      for folder in [
        "here/Data/mnist", "empty", "package/Data/mnist", "package/.build/x86_64/release", "bin",
        "source/Data/mnist", "source/Sources/DSDC/Data", "bare/.build/release", "elsewhere",
      ] {
        try manager.createDirectory(at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
      }
      for file in [
        "package/Package.swift", "package/.build/x86_64/release/dsdc", "source/Package.swift",
        "source/Sources/DSDC/Data/DataLocation.swift", "bare/Package.swift", "bare/.build/release/dsdc",
        "elsewhere/dsdc",
      ] {
        try Data().write(to: root.appendingPathComponent(file))
      }
      try manager.createSymbolicLink(
        atPath: path("bin/dsdc"), withDestinationPath: path("package/.build/x86_64/release/dsdc"))
    }

    func surroundings(
      environment: [String: String] = [:], in folder: String, executable: String?,
      source: String = "source/Sources/DSDC/Data/DataLocation.swift"
    ) -> DataLocation.Surroundings {
      DataLocation.Surroundings(
        environment: environment, workingDirectory: path(folder), executablePath: executable.map(path),
        sourceFile: path(source))
    }

    /// `DataLocation.locate` with `option`, in these surroundings.
    func locate(
      option: String? = nil, environment: [String: String] = [:], in folder: String, executable: String?,
      source: String = "source/Sources/DSDC/Data/DataLocation.swift"
    ) throws(DataLocationError) -> DataLocation.Found {
      try DataLocation.locate(
        option: option, in: surroundings(environment: environment, in: folder, executable: executable, source: source))
    }
  }

  @Test func theOptionComesFirstAndIsTakenAsGivenRelativeToTheWorkingFolder() throws {
    let tree = try Tree()
    let found = try tree.locate(
      option: "no/such", environment: ["DSDC_DATA": tree.path("empty")], in: "here", executable: "bin/dsdc")
    #expect(found == DataLocation.Found(directory: URL(fileURLWithPath: tree.path("here/no/such")), source: .option))
    #expect(found.description == tree.path("here/no/such") + " (from --data)")
  }

  @Test func theEnvironmentVariableComesNext() throws {
    let tree = try Tree()
    let found = try tree.locate(environment: ["DSDC_DATA": "../empty"], in: "here", executable: "bin/dsdc")
    #expect(found.directory.path == tree.path("empty"))
    #expect(found.source == .environment)
    #expect(found.description.hasSuffix("(from $DSDC_DATA)"))
  }

  @Test func thenDataMnistInTheWorkingFolderEvenWithAnEmptyVariable() throws {
    let tree = try Tree()
    let found = try tree.locate(environment: ["DSDC_DATA": ""], in: "here", executable: "bin/dsdc")
    #expect(found.directory.path == tree.path("here/Data/mnist"))
    #expect(found.source == .workingDirectory)
  }

  /// From a folder without data, the executable's package is found through a symlink
  /// (`bin/dsdc` points into `package/.build`).
  @Test func thenThePackageTheExecutableWasBuiltIn() throws {
    let tree = try Tree()
    for executable in ["bin/dsdc", "package/.build/x86_64/release/dsdc"] {
      let found = try tree.locate(in: "empty", executable: executable)
      #expect(found.directory.path == tree.path("package/Data/mnist"), "\(executable)")
      #expect(found.source == .executablePackage)
    }
  }

  /// A package without `Data/mnist` above the executable does not stop the search.
  @Test func thenThePackageTheSourceWasCompiledFrom() throws {
    let tree = try Tree()
    for executable in ["elsewhere/dsdc", "bare/.build/release/dsdc", nil] {
      let found = try tree.locate(in: "empty", executable: executable)
      #expect(found.directory.path == tree.path("source/Data/mnist"), "\(String(describing: executable))")
      #expect(found.source == .sourcePackage)
    }
  }

  @Test func nothingFoundIsOneLineNamingWhereItLookedAndTheFix() throws {
    let tree = try Tree()
    let error = #expect(throws: DataLocationError.self) {
      try tree.locate(in: "empty", executable: "elsewhere/dsdc", source: "bare/Sources/x.swift")
    }
    #expect(
      error
        == .notFound(
          workingDirectory: tree.path("empty"), executable: tree.path("elsewhere/dsdc"),
          source: tree.path("bare/Sources/x.swift")))
    let message = error?.description ?? ""
    #expect(message.split(separator: "\n").count == 1)
    for part in [
      tree.path("empty"), tree.path("elsewhere/dsdc"), tree.path("bare/Sources/x.swift"), "--data DIR",
      "DSDC_DATA=DIR",
    ] {
      #expect(message.contains(part), "\(part) in \(message)")
    }
  }

  @Test func anEmptyOptionIsRefused() throws {
    let tree = try Tree()
    #expect(throws: DataLocationError.emptyOption) {
      try tree.locate(option: "", in: "here", executable: nil)
    }
  }
}
