import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Minimal loopback networking: free-port discovery and readiness probes, without
/// Foundation's URL loading (which starts threads and is slow to start).
public enum Loopback {
    /// A TCP port on 127.0.0.1 that was free a moment ago (bound to 0, read back, closed).
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw LaunchError(description: "socket(): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { throw LaunchError(description: "bind(): \(String(cString: strerror(errno)))") }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Connects to host:port with a timeout; returns the socket or nil.
    static func connect(host: String, port: Int, timeoutSeconds: Double) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var timeout = timeval(tv_sec: Int(timeoutSeconds), tv_usec: Int((timeoutSeconds - Double(Int(timeoutSeconds))) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr(host == "localhost" ? "127.0.0.1" : host)
        address.sin_port = UInt16(port).bigEndian
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(fd)
            return nil
        }
        return fd
    }

    /// True when an HTTP/1.0 GET of `url` (http://HOST:PORT/PATH) answers 2xx within the timeout.
    public static func httpOK(url: String, timeoutSeconds: Double = 0.5) -> Bool {
        guard let parsed = URLComponents(string: url), let host = parsed.host, let port = parsed.port else { return false }
        guard let fd = connect(host: host, port: port, timeoutSeconds: timeoutSeconds) else { return false }
        defer { close(fd) }
        let path = parsed.percentEncodedPath.isEmpty ? "/" : parsed.percentEncodedPath
        let request = "GET \(path) HTTP/1.0\r\nHost: \(host)\r\n\r\n"
        let sent = request.withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
        guard sent > 0 else { return false }
        var buffer = [UInt8](repeating: 0, count: 64)
        let received = recv(fd, &buffer, buffer.count, 0)
        guard received >= 12 else { return false }
        let statusLine = String(decoding: buffer[0..<received], as: UTF8.self)
        // "HTTP/1.x 2xx"
        let parts = statusLine.split(separator: " ")
        return parts.count >= 2 && parts[1].hasPrefix("2")
    }

    /// An HTTP/1.0 GET of `url` (http://HOST:PORT/PATH?QUERY): the status and the body, read
    /// until the server closes (HTTP/1.0 has no chunking). nil when nothing answers in time.
    public static func httpGet(url: String, timeoutSeconds: Double = 5) -> (status: Int, body: Data)? {
        guard let parsed = URLComponents(string: url), let host = parsed.host, let port = parsed.port else { return nil }
        guard let fd = connect(host: host, port: port, timeoutSeconds: timeoutSeconds) else { return nil }
        defer { close(fd) }
        var target = parsed.percentEncodedPath.isEmpty ? "/" : parsed.percentEncodedPath
        if let query = parsed.percentEncodedQuery { target += "?\(query)" }
        let request = "GET \(target) HTTP/1.0\r\nHost: \(host)\r\nAccept-Encoding: identity\r\n\r\n"
        let sent = request.withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
        guard sent > 0 else { return nil }
        var response = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let received = recv(fd, &buffer, buffer.count, 0)
            if received <= 0 { break }
            response.append(contentsOf: buffer[0..<received])
        }
        guard let split = response.range(of: Data("\r\n\r\n".utf8)) else { return nil }
        let head = String(decoding: response[..<split.lowerBound], as: UTF8.self)
        let parts = head.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, let status = Int(parts[1]) else { return nil }
        return (status, Data(response[split.upperBound...]))
    }

    /// True when something accepts TCP connections on 127.0.0.1:port.
    public static func tcpOpen(port: Int) -> Bool {
        guard let fd = connect(host: "127.0.0.1", port: port, timeoutSeconds: 0.5) else { return false }
        close(fd)
        return true
    }
}
