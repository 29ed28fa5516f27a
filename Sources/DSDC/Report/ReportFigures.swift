import Foundation

/// A section's files on the report page, each figure shown once: the first section
/// that lists an image shows it (with an `id`), and any later section that lists the
/// same file links to it instead — lesson 8 and the training run both list `train/`'s
/// figures. Other files are listed as links.
struct ReportFigures {
  /// Where each image already shown is: its element id and the section that shows it.
  private var shown: [String: (id: String, section: String, anchor: String)] = [:]
  /// Element ids given out so far.
  private var ids: Set<String> = []

  /// The section's figures (or links to where they are shown) and its other files.
  mutating func html(_ entry: ReportEntry) -> String {
    var html = ""
    let images = entry.files.filter { $0.isImage && $0.link != nil }
    let fresh = images.filter { shown[$0.link!] == nil }
    let earlier = images.filter { shown[$0.link!] != nil }
    if !fresh.isEmpty {
      html += "<div class=\"figures\">\n"
      for file in fresh { html += figure(file, in: entry) }
      html += "</div>\n"
    }
    if !earlier.isEmpty {
      // Grouped by the section that shows them, in the order of this section's list.
      var groups: [(section: String, anchor: String, links: [String])] = []
      for file in earlier {
        let place = shown[file.link!]!
        let link = "<a href=\"#\(escape(place.id))\">\(escape(caption(file)))</a>"
        if let i = groups.firstIndex(where: { $0.anchor == place.anchor }) {
          groups[i].links.append(link)
        } else {
          groups.append((place.section, place.anchor, [link]))
        }
      }
      for group in groups {
        let count = group.links.count
        html +=
          "<p class=\"files shown-elsewhere\">\(count == 1 ? "This figure is" : "These \(count) figures are") "
          + "shown in <a href=\"#\(escape(group.anchor))\">\(escape(group.section))</a>: "
          + group.links.joined(separator: ", ") + ".</p>\n"
      }
    }
    let others = entry.files.filter { !$0.isImage || $0.link == nil }
    if !others.isEmpty {
      html +=
        "<p class=\"files\">Other files: "
        + others.map { file in
          guard let link = file.link else {
            return "<code>\(escape(file.shownPath))</code> (outside the output folder)"
          }
          return "<a href=\"\(escape(HTMLText.relativeURL(link)))\"><code>\(escape(link))</code></a>"
        }.joined(separator: ", ") + "</p>\n"
    }
    return html
  }

  /// One figure, enlarged to whole pixels if small, with an id later sections link to.
  private mutating func figure(_ file: ReportEntry.File, in entry: ReportEntry) -> String {
    let path = file.link!
    let id = uniqueID(for: path)
    shown[path] = (id, entry.label, entry.anchor)
    let link = escape(HTMLText.relativeURL(path))
    var size = ""
    if let (width, height) = file.size {
      let k = ImageSize.scale(width: width)
      size = " width=\"\(width * k)\" height=\"\(height * k)\""
    }
    let caption = escape(caption(file))
    return "<figure id=\"\(escape(id))\"><a href=\"\(link)\"><img src=\"\(link)\" alt=\"\(caption)\"\(size)></a>"
      + "<figcaption>\(caption) <code>\(escape(path))</code></figcaption></figure>\n"
  }

  /// `fig-` and the path with every character but letters and digits as `-`, numbered
  /// if another path came out the same (`train/curves.png` → `fig-train-curves-png`).
  private mutating func uniqueID(for path: String) -> String {
    let base = "fig-" + String(path.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "-" })
    var id = base
    var n = 2
    while ids.contains(id) {
      id = "\(base)-\(n)"
      n += 1
    }
    ids.insert(id)
    return id
  }

  private func caption(_ file: ReportEntry.File) -> String {
    HTMLText.caption((file.shownPath as NSString).lastPathComponent)
  }

  private func escape(_ text: String) -> String { HTMLText.escape(text) }
}
