import HTTPTypes
import ServiceKit
import Testing

/// ``HTTPFields/value(of:)``: the header reads on every request, which must answer as `headers[name]` does.
@Suite struct HTTPFieldsValueTests {
    @Test func oneFieldGivesItsValueAndAMissingOneNil() {
        let headers: HTTPFields = [.authorization: "Bearer abc", .accept: "application/scim+json"]
        #expect(headers.value(of: .authorization) == "Bearer abc")
        #expect(headers.value(of: .contentType) == nil)
    }

    @Test func repeatedFieldsAreJoinedAsTheSubscriptJoinsThem() {
        var headers = HTTPFields()
        headers.append(HTTPField(name: .authorization, value: "Bearer a"))
        headers.append(HTTPField(name: .accept, value: "*/*"))
        headers.append(HTTPField(name: .authorization, value: "Bearer b"))
        headers.append(HTTPField(name: .cookie, value: "a=1"))
        headers.append(HTTPField(name: .cookie, value: "b=2"))
        #expect(headers.value(of: .authorization) == "Bearer a, Bearer b")
        #expect(headers.value(of: .authorization) == headers[.authorization])
        #expect(headers.value(of: .cookie) == headers[.cookie])
    }
}
