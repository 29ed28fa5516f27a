import DSDC
import Testing

/// Folder names made from picture file names (`dsdc predict`).
@Suite("Safe, distinct folder names")
struct FolderNameTests {
  @Test(arguments: [
    ("seven.png", "seven"),
    ("pics/My Digit (2).png", "My-Digit-2"),
    ("../a/b/../.hidden.png", "hidden"),
    ("über\u{1B}[2J.png", "ber-2J"),
    ("line\nbreak.png", "line-break"),
    ("no-extension", "no-extension"),
    ("a.b.c.png", "a.b.c"),
    ("....png", "picture"),
    ("ß.png", "picture"),
    (String(repeating: "x", count: 200) + ".png", String(repeating: "x", count: 64)),
  ])
  func safeNames(path: String, expected: String) {
    #expect(FolderName.safe(stem: path) == expected)
  }

  @Test func repeatedNamesGetNumbersIgnoringCase() {
    #expect(FolderName.distinct(["7", "7", "8", "7"]) == ["7", "7-2", "8", "7-3"])
    #expect(FolderName.distinct(["Seven", "seven", "seven-2"]) == ["Seven", "seven-2", "seven-2-2"])
  }
}
