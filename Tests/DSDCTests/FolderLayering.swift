import Foundation

/// One Swift file of a library folder: its name and its text.
struct SourceFile {
  var name: String
  var text: String
}

/// A use of one folder's name by a file of another folder.
struct FolderUse: Equatable, CustomStringConvertible {
  /// The folder of the using file, e.g. `Model`.
  var folder: String
  /// The using file, e.g. `LayerClock.swift`.
  var file: String
  /// The name it uses, e.g. `seconds`.
  var name: String
  /// The folder that declares the name, e.g. `Training`.
  var declaredIn: String

  var description: String { "\(folder)/\(file) uses \(name) of \(declaredIn)/" }
}

/// What breaks the layering of the library's folders.
enum LayeringProblem: Equatable, CustomStringConvertible {
  /// A file uses a folder on its own level or above it.
  case againstOrder(FolderUse, fromLevel: Int, toLevel: Int)
  /// Folders that use each other, each with one use that closes the cycle.
  case cycle(folders: [String], uses: [FolderUse])
  /// A folder the level table does not list.
  case unlisted(folder: String)

  var description: String {
    switch self {
    case .againstOrder(let use, let from, let to):
      return "\(use), but \(use.declaredIn) (level \(to)) is not below \(use.folder) (level \(from))"
    case .cycle(let folders, let uses):
      return "cycle among \(folders.joined(separator: ", ")): "
        + uses.map(\.description).joined(separator: "; ")
    case .unlisted(let folder):
      return "folder \(folder)/ is not in the level table of ARCHITECTURE.md"
    }
  }
}

/// The layering rule of `ARCHITECTURE.md`, checked on source text: every folder has a
/// level, and a file may use the top-level names (types, and functions and constants that
/// are not private) of its own folder and of folders on lower levels only. Such a graph
/// has no cycle; cycles are reported as well, so that a broken rule is easy to trace.
enum FolderLayering {
  /// The top-level names `text` declares: types, and `func`, `let` and `var` that are not
  /// `private` or `fileprivate` (those are invisible to other files).
  static func declarations(in text: String) -> Set<String> {
    let tokens = SwiftTokens(text).tokens
    let keywords: Set<String> = ["struct", "class", "enum", "protocol", "actor", "typealias", "func", "let", "var"]
    var names: Set<String> = []
    var depth = 0
    var isPrivate = false
    for (i, token) in tokens.enumerated() {
      if token.text == "{" || token.text == "}" {
        depth += token.text == "{" ? 1 : -1
        isPrivate = false
      }
      guard depth == 0, token.isIdentifier else { continue }
      if token.text == "private" || token.text == "fileprivate" { isPrivate = true }
      if token.text == "extension" || token.text == "import" { isPrivate = false }
      let isAttribute = i > 0 && tokens[i - 1].text == "@"
      if keywords.contains(token.text) && !isAttribute {
        if i + 1 < tokens.count && tokens[i + 1].isIdentifier && !isPrivate { names.insert(tokens[i + 1].text) }
        isPrivate = false
      }
    }
    return names
  }

  /// The names `text` uses: identifiers outside comments and strings, except members
  /// (`x.name`, `.name`); `DSDC.name` counts, it is the module's own `name`.
  static func uses(in text: String) -> Set<String> {
    let tokens = SwiftTokens(text).tokens
    var names: Set<String> = []
    for (i, token) in tokens.enumerated() where token.isIdentifier {
      let isMember = i > 0 && tokens[i - 1].text == "." && !(i > 1 && tokens[i - 2].text == "DSDC")
      if !isMember { names.insert(token.text) }
    }
    return names
  }

  /// Every use of another folder's names, sorted by folder, file and name.
  static func crossFolderUses(_ folders: [String: [SourceFile]]) -> [FolderUse] {
    var declaringFolders: [String: Set<String>] = [:]
    for (folder, files) in folders {
      for file in files {
        for name in declarations(in: file.text) { declaringFolders[name, default: []].insert(folder) }
      }
    }
    var result: [FolderUse] = []
    for (folder, files) in folders {
      for file in files {
        for name in uses(in: file.text) {
          for other in declaringFolders[name, default: []] where other != folder {
            result.append(FolderUse(folder: folder, file: file.name, name: name, declaredIn: other))
          }
        }
      }
    }
    return result.sorted { ($0.folder, $0.file, $0.name, $0.declaredIn) < ($1.folder, $1.file, $1.name, $1.declaredIn) }
  }

  /// Everything in `folders` ({folder: its files}) that breaks the rule for `levels`
  /// ({folder: level, 0 at the bottom}): unlisted folders, uses against the order, cycles.
  static func problems(_ folders: [String: [SourceFile]], levels: [String: Int]) -> [LayeringProblem] {
    var problems: [LayeringProblem] = folders.keys.sorted().filter { levels[$0] == nil }.map { .unlisted(folder: $0) }
    let uses = crossFolderUses(folders)
    for use in uses {
      guard let from = levels[use.folder], let to = levels[use.declaredIn] else { continue }
      if to >= from { problems.append(.againstOrder(use, fromLevel: from, toLevel: to)) }
    }
    for component in cycles(uses) {
      let members = Set(component)
      var closing: [FolderUse] = []
      for use in uses where members.contains(use.folder) && members.contains(use.declaredIn) {
        if !closing.contains(where: { $0.folder == use.folder && $0.declaredIn == use.declaredIn }) {
          closing.append(use)
        }
      }
      problems.append(.cycle(folders: component, uses: closing))
    }
    return problems
  }

  /// The groups of folders (two or more, each sorted) that reach each other through
  /// `uses`: the strongly connected components of the folder graph (Tarjan's algorithm).
  static func cycles(_ uses: [FolderUse]) -> [[String]] {
    var edges: [String: Set<String>] = [:]
    for use in uses { edges[use.folder, default: []].insert(use.declaredIn) }
    let nodes = Set(edges.keys).union(edges.values.flatMap { $0 }).sorted()
    var order: [String: Int] = [:]
    var lowLink: [String: Int] = [:]
    var stack: [String] = []
    var onStack: Set<String> = []
    var components: [[String]] = []

    func visit(_ node: String) {
      order[node] = order.count
      lowLink[node] = order[node]
      stack.append(node)
      onStack.insert(node)
      for next in edges[node, default: []].sorted() {
        if order[next] == nil {
          visit(next)
          lowLink[node] = min(lowLink[node]!, lowLink[next]!)
        } else if onStack.contains(next) {
          lowLink[node] = min(lowLink[node]!, order[next]!)
        }
      }
      guard lowLink[node] == order[node] else { return }
      var component: [String] = []
      while let top = stack.popLast() {
        onStack.remove(top)
        component.append(top)
        if top == node { break }
      }
      if component.count > 1 { components.append(component.sorted()) }
    }
    for node in nodes where order[node] == nil { visit(node) }
    return components.sorted { $0.lexicographicallyPrecedes($1) }
  }

  /// The level table of `ARCHITECTURE.md`: the first fenced code block, one folder a line
  /// as `<level> <Folder> <what it holds>`; lines that do not start with a number are
  /// headings.
  static func levels(architecture text: String) -> [String: Int] {
    var levels: [String: Int] = [:]
    var inBlock = false
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      if line.hasPrefix("```") {
        if inBlock { break }
        inBlock = true
        continue
      }
      let fields = line.split(separator: " ")
      if inBlock, fields.count >= 2, let level = Int(fields[0]) { levels[String(fields[1])] = level }
    }
    return levels
  }

  /// The Swift files of each top-level folder of `root` (files directly in `root` belong
  /// to the folder named `.`).
  static func readFolders(_ root: URL) throws -> [String: [SourceFile]] {
    var folders: [String: [SourceFile]] = [:]
    let rootPath = root.standardizedFileURL.path + "/"
    let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
    while let url = enumerator?.nextObject() as? URL {
      guard url.pathExtension == "swift" else { continue }
      let relative = url.standardizedFileURL.path.dropFirst(rootPath.count)
      let parts = relative.split(separator: "/")
      let folder = parts.count > 1 ? String(parts[0]) : "."
      let text = try String(contentsOf: url, encoding: .utf8)
      let name = parts.count > 1 ? parts.dropFirst().joined(separator: "/") : String(relative)
      folders[folder, default: []].append(SourceFile(name: name, text: text))
    }
    return folders
  }
}
