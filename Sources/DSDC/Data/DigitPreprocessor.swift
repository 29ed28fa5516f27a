/// Turns any picture of a single digit into an MNIST-style 28×28 image, the way
/// the MNIST digits themselves were made:
///
/// 1. grayscale (the caller reads the PNG with one channel);
/// 2. light ink on dark: if the border is light, the picture is inverted;
/// 3. the border's level becomes 0 and the brightest ink 255;
/// 4. crop to the ink's bounding box;
/// 5. scale to fit a 20×20 box, keeping the aspect ratio (area averaging);
/// 6. paste into 28×28 so that the centre of mass lands on the centre (14, 14).
///
/// With `framing: .object`, steps 5–6 are those Fashion-MNIST's pictures went through
/// instead: the longer side fills all 28 pixels and the box, not the mass, is centred.
public enum DigitPreprocessor {
  /// How the cropped ink is placed in 28×28.
  public enum Framing: Sendable, Equatable {
    /// MNIST: fit into 20×20, centre of mass at (14, 14).
    case digit
    /// Fashion-MNIST: fit into 28×28, bounding box centred.
    case object

    /// The side of the box the ink is scaled to fit.
    var box: Int { self == .digit ? 20 : 28 }
  }

  /// Why a picture cannot become a digit.
  public enum Failure: Error, Equatable, Sendable {
    /// Nothing stands out from the background.
    case noInk
    /// The picture has no pixels.
    case empty
  }

  /// The MNIST-style image, 28 × 28 bytes, row-major, 0 = background.
  public static func mnistStyle(
    gray pixels: [UInt8], width: Int, height: Int,
    framing: Framing = .digit
  ) throws(Failure) -> [UInt8] {
    guard width > 0, height > 0, pixels.count == width * height else { throw .empty }

    // 2–3: background level from the border, inversion if it is light, contrast stretch.
    var border: [Int] = []
    for x in 0..<width { border += [Int(pixels[x]), Int(pixels[(height - 1) * width + x])] }
    for y in 0..<height { border += [Int(pixels[y * width]), Int(pixels[y * width + width - 1])] }
    border.sort()
    let background = border[border.count / 2]
    let invert = background > 127
    var ink = pixels.map { Float(invert ? 255 - Int($0) : Int($0)) }
    let floor = Float(invert ? 255 - background : background)
    let peak = ink.max() ?? 0
    guard peak - floor >= 32 else { throw .noInk }
    for i in ink.indices { ink[i] = max(0, (ink[i] - floor) / (peak - floor)) }

    // 4: bounding box of clear ink (a quarter of the peak, to ignore faint noise).
    var (top, bottom, left, right) = (height, -1, width, -1)
    for y in 0..<height {
      for x in 0..<width where ink[y * width + x] > 0.25 {
        top = min(top, y); bottom = max(bottom, y); left = min(left, x); right = max(right, x)
      }
    }
    guard bottom >= 0 else { throw .noInk }
    let (boxW, boxH) = (right - left + 1, bottom - top + 1)

    // 5: area-average into a box whose longer side is 20 (28 for an object).
    let factor = Float(framing.box) / Float(max(boxW, boxH))
    let outW = max(1, Int((Float(boxW) * factor).rounded()))
    let outH = max(1, Int((Float(boxH) * factor).rounded()))
    var small = [Float](repeating: 0, count: outW * outH)
    let samples = 4
    for oy in 0..<outH {
      for ox in 0..<outW {
        var sum: Float = 0
        for sy in 0..<samples {
          for sx in 0..<samples {
            let fy = (Float(oy) + (Float(sy) + 0.5) / Float(samples)) / Float(outH) * Float(boxH)
            let fx = (Float(ox) + (Float(sx) + 0.5) / Float(samples)) / Float(outW) * Float(boxW)
            let y = top + min(boxH - 1, Int(fy))
            let x = left + min(boxW - 1, Int(fx))
            sum += ink[y * width + x]
          }
        }
        small[oy * outW + ox] = sum / Float(samples * samples)
      }
    }

    // 6: centre of mass to (14, 14) (for an object: centre the box).
    var (mass, my, mx): (Float, Float, Float) = (0, 0, 0)
    for y in 0..<outH {
      for x in 0..<outW {
        let v = small[y * outW + x]
        mass += v; my += v * (Float(y) + 0.5); mx += v * (Float(x) + 0.5)
      }
    }
    var offsetY = min(28 - outH, max(0, Int((14 - my / mass).rounded())))
    var offsetX = min(28 - outW, max(0, Int((14 - mx / mass).rounded())))
    if framing == .object { (offsetY, offsetX) = ((28 - outH) / 2, (28 - outW) / 2) }
    var result = [UInt8](repeating: 0, count: 28 * 28)
    for y in 0..<outH {
      for x in 0..<outW {
        result[(y + offsetY) * 28 + x + offsetX] = UInt8((min(1, small[y * outW + x]) * 255).rounded())
      }
    }
    return result
  }

  /// The centre of mass (row, column) of a 28×28 image, in pixel units (pixel centres at +0.5).
  public static func centreOfMass(_ image: [UInt8], width: Int = 28) -> (row: Double, column: Double) {
    var (mass, row, column) = (0.0, 0.0, 0.0)
    for (i, v) in image.enumerated() {
      let value = Double(v)
      mass += value
      row += value * (Double(i / width) + 0.5)
      column += value * (Double(i % width) + 0.5)
    }
    return mass == 0 ? (0, 0) : (row / mass, column / mass)
  }
}
