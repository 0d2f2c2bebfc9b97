import Testing
import Webhooks

@Suite("Webhook address policy (SSRF)")
struct NetworkAddressPolicyTests {
    @Test(
        arguments: [
            ("8.8.8.8", .publicAddress), ("93.184.216.34", .publicAddress), ("2606:4700:4700::1111", .publicAddress),
            ("127.0.0.1", .loopback), ("127.255.0.9", .loopback), ("::1", .loopback), ("[::1]", .loopback),
            ("0.0.0.0", .unspecified), ("0.1.2.3", .unspecified), ("::", .unspecified),
            ("10.0.0.1", .privateNetwork), ("172.16.0.1", .privateNetwork), ("172.31.255.255", .privateNetwork),
            ("172.32.0.1", .publicAddress), ("192.168.1.1", .privateNetwork), ("192.169.0.1", .publicAddress),
            ("100.64.0.1", .sharedAddressSpace), ("100.127.255.255", .sharedAddressSpace), ("100.128.0.1", .publicAddress),
            ("169.254.169.254", .linkLocal), ("169.254.0.1", .linkLocal), ("fe80::1", .linkLocal), ("febf::1", .linkLocal),
            ("fc00::1", .privateNetwork), ("fd12:3456::1", .privateNetwork), ("fec0::1", .reserved),
            ("224.0.0.1", .multicast), ("239.255.255.250", .multicast), ("ff02::1", .multicast),
            ("255.255.255.255", .reserved), ("240.0.0.1", .reserved), ("198.18.0.1", .reserved),
            ("::ffff:127.0.0.1", .loopback), ("::ffff:10.1.2.3", .privateNetwork), ("::ffff:169.254.169.254", .linkLocal),
            ("::ffff:8.8.8.8", .publicAddress), ("::127.0.0.1", .loopback), ("64:ff9b::10.0.0.1", .privateNetwork),
            ("2002:a00:1::", .privateNetwork), ("2002:808:808::", .publicAddress),
        ] as [(String, NetworkAddressPolicy.Kind)]
    )
    func classifies(address: String, kind: NetworkAddressPolicy.Kind) throws {
        let bytes = try #require(NetworkAddressPolicy.parse(address), "\(address) parses")
        #expect(NetworkAddressPolicy.kind(of: bytes) == kind, "\(address)")
        #expect(NetworkAddressPolicy.isAllowed(bytes, allowPrivateNetworks: false) == (kind == .publicAddress))
        #expect(NetworkAddressPolicy.isAllowed(bytes, allowPrivateNetworks: true))
    }

    @Test(arguments: ["example.com", "", "1.2.3", "1.2.3.4.5", "::g", "[fe80::1"])
    func namesAreNotAddresses(text: String) {
        #expect(NetworkAddressPolicy.parse(text) == nil)
    }

    @Test func otherLengthsAreRefused() {
        #expect(NetworkAddressPolicy.kind(of: [1, 2, 3]) == .reserved)
    }
}

@Suite("Webhook URL rule")
struct WebhookURLRuleTests {
    @Test func acceptsHTTPAndHTTPSWithAHost() throws {
        let plain = try WebhookURLRule.check("http://hooks.example.com/in").get()
        #expect(plain.host == "hooks.example.com" && plain.port == 80)
        let tls = try WebhookURLRule.check("https://hooks.example.com:8443/in?x=1").get()
        #expect(tls.host == "hooks.example.com" && tls.port == 8443)
        let literal = try WebhookURLRule.check("http://[::1]:9000/").get()
        #expect(literal.host == "::1" && literal.port == 9000)
    }

    @Test(
        arguments: [
            ("", .length), ("https://e.com/" + String(repeating: "a", count: 2040), .length), ("ftp://e.com/", .scheme),
            ("file:///etc/passwd", .scheme), ("javascript:alert(1)", .scheme), ("https://user:pw@e.com/", .userInfo),
            ("https://user@e.com/", .userInfo), ("https:///path", .malformed), ("not a url", .malformed), ("/relative", .malformed),
        ] as [(String, WebhookURLRule.Refusal)]
    )
    func refuses(url: String, refusal: WebhookURLRule.Refusal) {
        guard case .failure(let found) = WebhookURLRule.check(url) else {
            Issue.record("\(url) was accepted")
            return
        }
        #expect(found == refusal, "\(url)")
    }
}
