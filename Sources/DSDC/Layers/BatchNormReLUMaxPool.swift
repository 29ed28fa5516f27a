/// BatchNorm, ReLU and a 2×2 max-pool in one pass each way — the end of every pooling
/// block of DSDC-Net — with exactly the numbers of the three layers run one after the
/// other (`BatchNorm2d` with `fusedReLU`, then `MaxPool2d`):
/// ```
/// forward   z = max(0, γ·x̂ + β)            (N, C, H, W), never stored
///           y[n,c,i,j] = max_{u,v} z[n, c, 2i+u, 2j+v]     argmax = 2u* + v*
/// backward  g[n,c,2i+u*,2j+v*] = dOutput[n,c,i,j] · [y[n,c,i,j] > 0],  0 elsewhere
///           then BatchNorm's backward with g
/// ```
/// (the ReLU mask at the winning position is `y > 0`, since `y` is that position's value).
///
/// The full-resolution activation and its gradient are the two largest buffers of the
/// network; not writing and re-reading them saves about a quarter of a training step's
/// memory traffic. Each image plane is normalised into a small scratch plane that stays
/// in L1 and pooled from there.
extension BatchNorm2d {
  /// - Parameters:
  ///   - input: `(N, C, H, W)`
  ///   - output: `(N, C, H/2, W/2)` (overwritten)
  ///   - argmax: one entry per output element (overwritten), as `MaxPool2d` records it
  public func forward(input: Tensor, pooledOutput output: inout Tensor, argmax: inout [UInt8],
                      training: Bool, threads: Int = 1) {
    precondition(fusedReLU, "BatchNorm2d \(name): the pooled forward pass needs fusedReLU")
    precondition(MaxPool2d.fits(input: input.shape, output: output.shape) && argmax.count == output.count,
      "BatchNorm2d \(name) pooled forward: input \(input.shape), output \(output.shape), argmax \(argmax.count)")
    let (batch, height, width, channels) = (input.shape[0], input.shape[2], input.shape[3], channels)
    let (outH, outW) = (height / 2, width / 2)
    output.storage.withUnsafeMutableBufferPointer { yBuffer in
      argmax.withUnsafeMutableBufferPointer { indexBuffer in
        let (y, index) = (yBuffer.baseAddress!, indexBuffer.baseAddress!)
        normalise(input, training: training, threads: threads, scratchPerThread: height * width) { group, terms, x, plane in
          for n in 0..<batch {
            for c in group {
              let t = terms[c - group.lowerBound]
              PlaneLoops.scaleShift(x + (n * channels + c) * height * width, plane, count: height * width,
                                    scale: t.scale, shift: t.shift, relu: true)
              let out = (n * channels + c) * outH * outW
              for i in 0..<outH {
                MaxPool2d.poolRow(plane + 2 * i * width, plane + (2 * i + 1) * width,
                                  y + out + i * outW, index + out + i * outW, outWidth: outW)
              }
            }
          }
        }
      }
    }
  }

  /// - Parameters:
  ///   - input: `(N, C, H, W)`, the forward pass's input
  ///   - pooledOutput: `(N, C, H/2, W/2)`, the forward pass's output
  ///   - argmax: as recorded by the forward pass
  ///   - dOutput: `(N, C, H/2, W/2)`
  ///   - dInput: `(N, C, H, W)`
  ///   - accumulate: `+=` into `dInput`, or overwrite it
  public func backward(input: Tensor, pooledOutput: Tensor, argmax: [UInt8], dOutput: Tensor,
                       dInput: inout Tensor, accumulate: Bool = true, threads: Int = 1) {
    precondition(fusedReLU, "BatchNorm2d \(name): the pooled backward pass needs fusedReLU")
    precondition(dInput.shape == input.shape && MaxPool2d.fits(input: input.shape, output: dOutput.shape)
                   && pooledOutput.shape == dOutput.shape && argmax.count == dOutput.count,
      "BatchNorm2d \(name) pooled backward: input \(input.shape), dOutput \(dOutput.shape), dInput \(dInput.shape)")
    let (batch, height, width, channels) = (input.shape[0], input.shape[2], input.shape[3], channels)
    let (outH, outW, planeSize) = (height / 2, width / 2, height * width)
    pooledOutput.storage.withUnsafeBufferPointer { yBuffer in
      argmax.withUnsafeBufferPointer { indexBuffer in
        dOutput.storage.withUnsafeBufferPointer { dyBuffer in
          dInput.storage.withUnsafeMutableBufferPointer { dxBuffer in
            let (y, index, dy, dx) = (yBuffer.baseAddress!, indexBuffer.baseAddress!, dyBuffer.baseAddress!, dxBuffer.baseAddress!)
            /// Spreads image n's pooled gradient of channel c over a full-resolution plane.
            func unpool(_ n: Int, _ c: Int, into g: UnsafeMutablePointer<Float>) {
              let out = (n * channels + c) * outH * outW
              for i in 0..<outH {
                let o = out + i * outW
                MaxPool2d.unpoolRow(dy + o, y + o, index + o, outWidth: outW, g + 2 * i * width, g + (2 * i + 1) * width)
                if width % 2 == 1 {   // the column no window covers
                  g[2 * i * width + width - 1] = 0
                  g[(2 * i + 1) * width + width - 1] = 0
                }
              }
              if height % 2 == 1 {    // the row no window covers
                (g + (height - 1) * width).update(repeating: 0, count: width)
              }
            }
            gradientPasses(input, threads: threads, scratchPerThread: planeSize) { group, terms, x, sums, g in
              for n in 0..<batch {
                for c in group {
                  let t = terms[c - group.lowerBound]
                  unpool(n, c, into: g)
                  let s = PlaneLoops.gradientSums(g, x + (n * channels + c) * planeSize, count: planeSize,
                                                  mean: t.mean, scale: t.scale, shift: t.shift, relu: false)
                  sums[c - group.lowerBound].sum += Double(s.sum)
                  sums[c - group.lowerBound].dot += Double(s.dot)
                }
              }
            } apply: { group, terms, x, g in
              for n in 0..<batch {
                for c in group {
                  let (t, offset) = (terms[c - group.lowerBound], (n * channels + c) * planeSize)
                  unpool(n, c, into: g)
                  PlaneLoops.inputGradient(g, x + offset, dx + offset, count: planeSize,
                                           mean: t.mean, scale: t.scale, shift: t.shift, relu: false,
                                           gradMean: t.gradMean, k: t.k, factor: t.scale, accumulate: accumulate)
                }
              }
            }
          }
        }
      }
    }
  }
}
