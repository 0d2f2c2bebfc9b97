import Foundation
import ServiceClients
import ServiceKit
import Testing

/// The helpers every internal call and every new resource goes through: URL path segments and random ids.
@Suite("Internal path segments and random ids")
struct InternalPathAndIDTests {
    @Test func unreservedSegmentsComeBackUnchanged() {
        #expect(pathSegment("2819c223-7f76-453a-919d-413861904646") == "2819c223-7f76-453a-919d-413861904646")
        #expect(pathSegment("Tenant_A.b~c") == "Tenant_A.b~c")
    }

    @Test func everythingElseIsPercentEncodedAsUTF8() {
        #expect(pathSegment("a b/c?d#e%f") == "a%20b%2Fc%3Fd%23e%25f")
        #expect(pathSegment("Zoë") == "Zo%C3%AB")
        #expect(pathSegment("..%2F") == "..%252F")
        #expect(pathSegment("") == "")
    }

    @Test func randomUUIDsAreVersion4AndDistinct() {
        let ids = (0..<1_000).map { _ in RandomUUID.lowercasedString() }
        #expect(Set(ids).count == ids.count)
        for id in ids.prefix(50) {
            let bytes = Array(id.utf8)
            #expect(bytes.count == 36)
            #expect([8, 13, 18, 23].allSatisfy { bytes[$0] == UInt8(ascii: "-") })
            #expect(bytes[14] == UInt8(ascii: "4"))  // version
            #expect("89ab".utf8.contains(bytes[19]))  // RFC 9562 variant
            #expect(id == id.lowercased())
            #expect(bytes.enumerated().allSatisfy { index, byte in [8, 13, 18, 23].contains(index) || "0123456789abcdef".utf8.contains(byte) })
        }
    }

    @Test func timeOrderedUUIDsAreVersion7AndSortByTheirTime() {
        let milliseconds: UInt64 = 1_796_000_000_123
        let id = RandomUUID.timeOrderedLowercasedString(milliseconds: milliseconds)
        let bytes = Array(id.utf8)
        #expect(bytes.count == 36)
        #expect(bytes[14] == UInt8(ascii: "7"))  // version
        #expect("89ab".utf8.contains(bytes[19]))  // RFC 9562 variant
        #expect(UInt64(id.replacingOccurrences(of: "-", with: "").prefix(12), radix: 16) == milliseconds)
        let later = (1...200).map { RandomUUID.timeOrderedLowercasedString(milliseconds: milliseconds + UInt64($0)) }
        #expect(later == later.sorted())
        #expect(later.allSatisfy { $0 > id })
        #expect(Set(later.map { _ in RandomUUID.timeOrderedLowercasedString(milliseconds: milliseconds) }).count == 200)
    }
}
