/// SCIM `dateTime` values (RFC 7643 §2.3.5: xsd:dateTime, e.g. `2008-01-23T04:56:22Z`).
///
/// A small, allocation-light parser so filters can compare instants without `DateFormatter` (not `Sendable`, slow).
/// Accepted: `YYYY-MM-DDTHH:MM:SS[.fraction][Z|±HH:MM|±HHMM]`; `t`/`z` in either case; no zone means UTC.
package enum ScimDateTime {
    /// Seconds since 1970-01-01T00:00:00Z, or nil when `text` is not an xsd:dateTime.
    package static func secondsSince1970(_ text: String) -> Double? {
        let s = Array(text.utf8)
        var i = 0
        func digits(_ count: Int) -> Int? {
            guard i + count <= s.count else { return nil }
            var value = 0
            for k in i..<(i + count) {
                let c = s[k]
                guard c >= 0x30, c <= 0x39 else { return nil }
                value = value * 10 + Int(c - 0x30)
            }
            i += count
            return value
        }
        func expect(_ chars: UInt8...) -> Bool {
            guard i < s.count, chars.contains(s[i]) else { return false }
            i += 1
            return true
        }
        guard let year = digits(4), expect(0x2D), let month = digits(2), expect(0x2D), let day = digits(2),
            expect(0x54, 0x74), let hour = digits(2), expect(0x3A), let minute = digits(2), expect(0x3A),
            let second = digits(2)
        else { return nil }
        guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day), hour <= 24, minute <= 59,
            second <= 60
        else { return nil }
        var fraction = 0.0
        if i < s.count, s[i] == 0x2E {
            i += 1
            var scale = 0.1
            let start = i
            while i < s.count, s[i] >= 0x30, s[i] <= 0x39 {
                fraction += Double(s[i] - 0x30) * scale
                scale /= 10
                i += 1
            }
            guard i > start else { return nil }
        }
        var offset = 0
        if i < s.count {
            if s[i] == 0x5A || s[i] == 0x7A {
                i += 1
            } else if s[i] == 0x2B || s[i] == 0x2D {
                let sign = s[i] == 0x2D ? -1 : 1
                i += 1
                guard let oh = digits(2) else { return nil }
                _ = expect(0x3A)
                guard let om = digits(2), oh <= 23, om <= 59 else { return nil }
                offset = sign * (oh * 3600 + om * 60)
            } else {
                return nil
            }
        }
        guard i == s.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Double(seconds) + fraction
    }

    /// The canonical UTC form `YYYY-MM-DDTHH:MM:SS[.mmm]Z` of a dateTime string (milliseconds only when non-zero),
    /// or nil when it does not parse. Lexicographic order of canonical strings with the same precision is time order.
    package static func canonical(_ text: String) -> String? {
        secondsSince1970(text).map(format)
    }

    /// Formats seconds since 1970 as `YYYY-MM-DDTHH:MM:SS[.mmm]Z`.
    package static func format(_ seconds: Double) -> String {
        let millis = Int((seconds * 1000).rounded())
        let whole = millis >= 0 ? millis / 1000 : (millis - 999) / 1000
        let ms = millis - whole * 1000
        var days = whole / 86_400
        var rem = whole % 86_400
        if rem < 0 {
            rem += 86_400
            days -= 1
        }
        let (y, m, d) = civilFromDays(days)
        func pad(_ v: Int, _ w: Int) -> String {
            let t = String(v)
            return String(repeating: "0", count: max(0, w - t.count)) + t
        }
        var text = "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(rem / 3600, 2)):\(pad(rem % 3600 / 60, 2)):\(pad(rem % 60, 2))"
        if ms != 0 { text += "." + pad(ms, 3) }
        return text + "Z"
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    // Howard Hinnant's days_from_civil / civil_from_days.
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    private static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp + (mp < 10 ? 3 : -9)
        return (m <= 2 ? y + 1 : y, m, d)
    }
}
