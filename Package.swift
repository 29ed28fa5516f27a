// swift-tools-version:6.1
import PackageDescription

// Numeric kernels are hand-vectorised with SIMD types. Without `-target-cpu native`
// every SIMD lane becomes a libm call (about 100× slower), and without `-O` debug
// builds (`swift test`) run the kernels 150–300× slower. Both flags are applied to
// the library even in debug builds so the tests exercise the real kernels at speed.
let kernelFlags: [SwiftSetting] = [.unsafeFlags(["-O", "-target-cpu", "native"])]

let package = Package(
  name: "dsdc",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "dsdc", targets: ["dsdc"]),
    .executable(name: "dsdc-bench", targets: ["dsdc-bench"]),
    .library(name: "DSDC", targets: ["DSDC"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
  ],
  targets: [
    // MARK: - C libraries

    .systemLibrary(
      name: "CPNG",
      path: "Sources/CPNG",
      pkgConfig: "libpng",
      providers: [.apt(["libpng-dev"])]
    ),
    // SHA-256 for `dsdc data --verify`, from OpenSSL's libcrypto.
    .systemLibrary(
      name: "CCrypto",
      path: "Sources/CCrypto",
      pkgConfig: "libcrypto",
      providers: [.apt(["libssl-dev"])]
    ),
    .systemLibrary(
      name: "CZlib",
      path: "Sources/CZlib",
      pkgConfig: "zlib",
      providers: [.apt(["zlib1g-dev"])]
    ),

    // MARK: - Library

    .target(
      name: "DSDC",
      dependencies: [
        "CPNG",
        "CZlib",
        "CCrypto",
      ],
      swiftSettings: kernelFlags
    ),

    // MARK: - Lessons

    .target(
      name: "Lessons",
      dependencies: ["DSDC"],
      path: "Lessons",
      exclude: ["README.md"]
    ),

    // MARK: - Tool

    .executableTarget(
      name: "dsdc",
      dependencies: [
        "DSDC",
        "Lessons",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),

    .executableTarget(
      name: "dsdc-bench",
      dependencies: ["DSDC"],
      path: "Sources/dsdc-bench",
      swiftSettings: kernelFlags
    ),

    // MARK: - Tests

    .testTarget(
      name: "DSDCTests",
      dependencies: ["DSDC", "Lessons", "CZlib", "dsdc"],
      exclude: ["Fixtures"],
      swiftSettings: kernelFlags
    ),
  ]
)
