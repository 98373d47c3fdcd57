// Package loadkit is the machinery the load drivers and benchmarks under
// test/ share: a closed-loop driver that counts outcomes and reports
// throughput and latency percentiles, readings of the machine (CPU time
// per process, load average, CPU model), and a private redis-server to
// measure against.
//
// It exists to measure kincare, not to run it: nothing outside test/
// imports it, and it is not part of the production build.
package loadkit
