/// The commands the report page and its errors suggest (run a lesson, run it again,
/// train the default recipe), written as the user can type them where the page was
/// written: the tool as it was started (`ToolInvocation`), the command's words, then
/// the options in force that every suggested command repeats (a chosen output folder):
/// ```
/// ReportCommands(invocation: ToolInvocation(prefix: ["dsdc"]), options: ["--output", "my runs"])
///   .command(["lesson", "3"])   // dsdc lesson 3 --output 'my runs'
/// ```
public struct ReportCommands: Sendable, Equatable {
  /// How the tool was started (`ToolInvocation.current` in the tool).
  public var invocation: ToolInvocation
  /// Option words added to every command, e.g. `["--output", "runs"]`; empty when the
  /// run used the defaults. Every suggested command (`dsdc lesson`, `dsdc lessons`, a
  /// later section's command) must take them.
  public var options: [String]

  public init(invocation: ToolInvocation, options: [String] = []) {
    self.invocation = invocation
    self.options = options
  }

  /// The command that runs the tool with `arguments`, then the options, quoted for a shell.
  public func command(_ arguments: [String]) -> String {
    invocation.command(arguments + options)
  }

  /// The command that runs lesson `number`.
  public func lesson(_ number: Int) -> String {
    command(["lesson", String(number)])
  }

  /// The command that runs every lesson in order.
  public var lessons: String {
    command(["lessons"])
  }
}
