// The text of `dsdc-bench roofline`: the machine's two roofs, then one table per workload,
// every line within 100 columns.

import DSDC

/// `one` and `many` in `unit`: "… on 1 thread, … on N" (only the first when `threads` is 1).
private func perThreads(_ one: Double, _ many: Double, threads: Int, unit: String) -> String {
  threads == 1
    ? "\(format(one)) \(unit) on 1 thread"
    : "\(format(one)) \(unit) on 1 thread, \(format(many)) \(unit) on \(threads)"
}

/// The lines of the report.
func rooflineTable(_ report: RooflineReport) -> [String] {
  let (roof, memory, threads) = (report.roofline, report.bandwidth, report.threads)
  let network = report.variant == ComparisonVariant.dsdc.rawValue ? "DSDC-Net" : "the \(report.variant) network"
  let threadWord = threads == 1 ? "thread" : "threads"
  var lines = [
    "Roofline of \(network), batch \(report.batch), \(threads) \(threadWord); load average \(report.loadAverage)"
      + " when started",
    "FMA peak (12 SIMD16 FMA chains a thread): "
      + perThreads(report.peakGflops1, report.peakGflopsThreads, threads: threads, unit: "GFLOP/s"),
    "Memory, STREAM-like over 3 arrays of \(memory.arrayMebibytes) MiB (bytes read + written, best of 5):",
    "  copy " + perThreads(memory.copy1, memory.copyThreads, threads: threads, unit: "GB/s") + "; triad "
      + perThreads(memory.triad1, memory.triadThreads, threads: threads, unit: "GB/s"),
    "Roofs: \(format(roof.peakGflops)) GFLOP/s and \(format(roof.bandwidthGBps)) GB/s (\(threads) \(threadWord),"
      + " triad); ridge at \(format(roof.ridge, 2)) FLOP per byte",
  ]
  if let share = report.otherCPUShare {
    let used = "Other processes used \(format(100 * share, 0))% of the machine's CPU time during the run"
    lines.append(share > 0.05 ? "⚠ \(used) (/proc/stat): the times are disturbed." : "\(used) (/proc/stat).")
  }
  lines = lines.flatMap { Format.wrap($0, width: 100, continuation: "  ") }
  lines.append("")
  lines.append("One training step (training-mode forward, then backward), median of \(report.steps) steps:")
  lines += rooflineRowLines(report.training + report.trainingTotals)
  lines.append("")
  lines.append("One inference batch (eval mode), median of \(report.steps) batches:")
  lines += rooflineRowLines(report.inference + report.inferenceTotals)
  lines += [
    "",
    "MFLOP: 2 per multiply-add (ModelSummary; BatchNorm, ReLU and pooling count none). MB: the least",
    "a pass moves as float32: inputs and weights read once, outputs written once (docs/speed.md).",
    "ms: wall clock (LayerClock); bound: min(peak, FLOP/B × bandwidth); of roof: t_min / t with",
    "t_min = max(FLOP / peak, bytes / bandwidth); limit: the roof that sets t_min.",
    "In a separable block, the pointwise bwd row also computes its BatchNorm's input gradient, a chunk",
    "of images at a time as it reads it; that BatchNorm's bwd row is its gradient sums only.",
  ]
  return lines
}

/// The table of `rows`, a header line first.
private func rooflineRowLines(_ rows: [RooflineRow]) -> [String] {
  let widths = [9, 8, 8, 8, 9, 8, 8, 9]
  func line(_ name: String, _ pass: String, _ cells: [String], _ limit: String) -> String {
    "  " + name.padding(toLength: 17, withPad: " ", startingAt: 0)
      + pass.padding(toLength: 3, withPad: " ", startingAt: 0)
      + zip(cells, widths).map { pad($0, $1) }.joined() + (limit.isEmpty ? "" : "  " + limit)
  }
  var lines = [
    line("layer", "", ["MFLOP", "MB", "FLOP/B", "ms", "GFLOP/s", "GB/s", "bound", "of roof"], "limit")
  ]
  for row in rows {
    let counted = row.flops > 0
    lines.append(
      line(
        row.layer, row.pass == "forward" ? "fwd" : "bwd",
        [
          format(Double(row.flops) / 1e6), format(Double(row.bytes) / 1e6, 2), format(row.intensity, 2),
          format(row.milliseconds, 3), counted ? format(row.gflops) : "—", format(row.gbps),
          counted ? format(row.boundGflops) : "—", format(100 * row.shareOfBound, 1) + "%",
        ], row.limit ?? ""))
  }
  return lines
}
