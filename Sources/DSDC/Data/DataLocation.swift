import Foundation

/// Where dsdc looks for the dataset: `--data DIR`, else the `DSDC_DATA`
/// environment variable, else `Data/mnist` under the current folder.
public enum DataLocation {
  /// The environment variable that points every command at another IDX folder.
  public static let environmentVariable = "DSDC_DATA"
  /// The default folder, relative to the repository root.
  public static let defaultPath = "Data/mnist"

  /// The folder to read, from an explicit option or the environment.
  public static func resolve(option: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
    let path = option ?? environment[environmentVariable] ?? defaultPath
    return URL(fileURLWithPath: path)
  }
}
