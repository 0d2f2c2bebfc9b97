import Testing
import Webhooks

@Suite("Webhook retry schedule")
struct RetryScheduleTests {
    @Test func theStandardScheduleReachesAboutADay() {
        let schedule = RetrySchedule.standard
        #expect(schedule.delays == [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000])
        let total = schedule.delays.reduce(0, +)
        #expect(total > 20 * 3_600 && total < 30 * 3_600)
    }

    @Test func delaysFollowTheFailureCountAndTheLastRepeats() {
        let schedule = RetrySchedule.standard
        #expect(schedule.delay(afterFailures: 1, unit: 0.5) == 5)
        #expect(schedule.delay(afterFailures: 2, unit: 0.5) == 300)
        #expect(schedule.delay(afterFailures: 7, unit: 0.5) == 36_000)
        #expect(schedule.delay(afterFailures: 40, unit: 0.5) == 36_000)
        #expect(schedule.delay(afterFailures: 0, unit: 0.5) == 5)
    }

    @Test func jitterStaysWithinTenPercent() {
        let schedule = RetrySchedule.standard
        #expect(schedule.delay(afterFailures: 2, unit: 0) == 270)
        #expect(schedule.delay(afterFailures: 2, unit: 1) == 330)
        for unit in stride(from: 0.0, to: 1.0, by: 0.05) {
            let delay = schedule.delay(afterFailures: 3, unit: unit)
            #expect(delay >= 1_620 && delay <= 1_980)
        }
    }

    @Test func retryAfterReplacesTheDelayWithinBounds() {
        let schedule = RetrySchedule.standard
        #expect(schedule.delay(afterFailures: 5, unit: 0.5, retryAfter: 2) == 2)
        #expect(schedule.delay(afterFailures: 1, unit: 0.5, retryAfter: 10_000_000) == 86_400)
        #expect(RetrySchedule.retryAfterSeconds("120") == 120)
        #expect(RetrySchedule.retryAfterSeconds(" 7 ") == 7)
        #expect(RetrySchedule.retryAfterSeconds("-1") == nil)
        #expect(RetrySchedule.retryAfterSeconds("Wed, 21 Oct 2015 07:28:00 GMT") == nil)
        #expect(RetrySchedule.retryAfterSeconds(nil) == nil)
    }
}
