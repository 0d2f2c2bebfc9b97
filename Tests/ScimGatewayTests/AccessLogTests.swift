import ServiceKit
import Testing

/// The access log's time field (``AccessLogMiddleware``), written without `Double` formatting.
@Suite struct AccessLogTests {
    @Test(arguments: [
        (Duration.microseconds(840), "0.84"),
        (.microseconds(5), "0.00"),
        (.microseconds(1_005), "1.00"),
        (.microseconds(12_345), "12.34"),
        (.seconds(2) + .microseconds(90), "2000.09"),
        (.zero, "0.00"),
    ])
    func millisecondsWithTwoDecimals(_ elapsed: Duration, _ text: String) {
        #expect(AccessLogMiddleware.milliseconds(elapsed) == text)
    }
}
