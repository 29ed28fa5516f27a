import DSDC
import Testing

@Suite("Intervals of real numbers")
struct NumberIntervalTests {
  /// `(0, 10)` leaves out both ends, `[0, 1)` keeps 0 only; NaN lies in neither.
  @Test func endsBelongAsTheBracketsSay() {
    let open = NumberInterval.open(0, 10)
    #expect(!open.contains(0) && open.contains(1e-300) && open.contains(9.999) && !open.contains(10))
    let closedOpen = NumberInterval.closedOpen(0, 1)
    #expect(closedOpen.contains(0) && closedOpen.contains(0.5))
    #expect(!closedOpen.contains(1) && !closedOpen.contains(-1e-9))
    #expect(!open.contains(.nan) && !closedOpen.contains(.nan) && !open.contains(.infinity))
  }

  @Test func writtenAsInMathematics() {
    #expect(NumberInterval.open(0, 10).description == "(0, 10)")
    #expect(NumberInterval.closedOpen(0, 1).description == "[0, 1)")
    #expect(NumberInterval.closedOpen(0.5, 2.25).description == "[0.5, 2.25)")
  }

  @Test func shortNumbersDropAWholeNumbersPoint() {
    #expect(Format.short(10.0) == "10" && Format.short(0) == "0" && Format.short(-3) == "-3")
    #expect(Format.short(0.0005) == "0.0005" && Format.short(0.1) == "0.1" && Format.short(1e20) == "1e+20")
  }
}
