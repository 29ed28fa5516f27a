import DSDC
import Foundation
import Testing

@Suite("Terminal width and colour")
struct TerminalTests {
  /// The width the terminal reports, else $COLUMNS, else 80.
  @Test(
    arguments: [
      (132, [:], 132), (nil, ["COLUMNS": "100"], 100), (0, ["COLUMNS": "90"], 90), (nil, ["COLUMNS": "wide"], 80),
      (nil, ["COLUMNS": "0"], 80), (nil, ["COLUMNS": "99999999"], 80), (nil, [:], 80),
    ] as [(Int?, [String: String], Int)])
  func columnsRule(reported: Int?, environment: [String: String], expected: Int) {
    #expect(Terminal.columns(reported: reported, environment: environment) == expected)
  }

  /// A pipe is no terminal: no in-place line, and its width comes from $COLUMNS.
  @Test func pipeIsNotATerminal() {
    let pipe = Pipe()
    let descriptor = pipe.fileHandleForWriting.fileDescriptor
    #expect(!Terminal.isInteractive(descriptor, environment: [:]))
    #expect(Terminal.columns(descriptor, environment: ["COLUMNS": "77"]) == 77)
    #expect(Terminal.columns(descriptor, environment: [:]) == 80)
  }

  /// Colour only on a terminal, not with NO_COLOR set to anything but "" (no-color.org),
  /// not for TERM=dumb.
  @Test(
    arguments: [
      (true, [:], true), (false, [:], false), (true, ["NO_COLOR": "1"], false), (true, ["NO_COLOR": ""], true),
      (true, ["TERM": "dumb"], false), (true, ["TERM": "xterm-256color"], true), (false, ["TERM": "xterm"], false),
    ] as [(Bool, [String: String], Bool)])
  func colourRule(isTerminal: Bool, environment: [String: String], expected: Bool) {
    #expect(Terminal.wantsColour(isTerminal: isTerminal, environment: environment) == expected)
  }

  /// ✓ green, ⚠ yellow, ✗ bold red, ERRATUM red, by how the line starts; the rest plain.
  @Test(arguments: [
    ("  ✓ 60,000 training images", LineColour.green), ("⚠ the final test accuracy is only 11.50%", .yellow),
    ("  ✗ trained 1 epoch(s)", .boldRed), ("ERRATUM (article §4.1): the letter n", .red),
    ("No conclusions are drawn (the ⚠ line above says why).", .plain), ("    article:   G_c", .plain),
  ])
  func lineColours(line: String, colour: LineColour) {
    #expect(LineColour.of(line) == colour)
  }

  @Test func paintingWrapsTheLineInEscapeCodes() {
    #expect(LineColour.painted("  ✓ ok") == "\u{1B}[32m  ✓ ok\u{1B}[0m")
    #expect(LineColour.painted("ERRATUM (article §1)") == "\u{1B}[31mERRATUM (article §1)\u{1B}[0m")
    #expect(LineColour.painted("plain") == "plain")
  }
}
