//go:build unix

package logbuf_test

import (
	"bufio"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kincare/kincare/adapters/logbuf"
)

// BenchmarkAccessLinesThroughAPipe writes access-log-sized lines into a
// pipe that a goroutine drains line by line, as a log shipper, a
// container runtime or the e2e harness reads kincare's stdout: each line
// written on its own ("each") or batched ("batched", LOG_FLUSH_INTERVAL's
// default). cpu-ns/op is the CPU time the process spent per line, both
// ends together (getrusage), whatever else the machine runs.
//
//	go test ./adapters/logbuf -run '^$' -bench AccessLines -cpu 1,2
func BenchmarkAccessLinesThroughAPipe(b *testing.B) {
	// One access line as kincare writes it (its time is text here, read
	// by no clock).
	line := []byte(`{"time":"` + time.Now().UTC().Format(time.RFC3339Nano) + `","level":"INFO","msg":"http request","request_id":"` +
		strings.Repeat("r", 26) + `","method":"POST","route":"/v1/slots/{slotId}/holds","status":409,"duration_ms":3.215,` +
		`"bytes":412,"ip":"127.31.4.9","user_id":"` + strings.Repeat("u", 26) + `"}` + "\n")
	for _, c := range []struct {
		name  string
		every time.Duration
	}{{"each", 0}, {"batched", 100 * time.Millisecond}} {
		b.Run(c.name, func(b *testing.B) {
			r, w, err := os.Pipe()
			if err != nil {
				b.Fatal(err)
			}
			read := make(chan int)
			go func() {
				br, n := bufio.NewReaderSize(r, 64<<10), 0
				for {
					if _, err := br.ReadString('\n'); err != nil {
						break
					}
					n++
				}
				read <- n
			}()
			lw := logbuf.New(w, c.every)
			before := cpuTime()
			b.ResetTimer()
			for b.Loop() {
				lw.Write(line)
			}
			lw.Close()
			w.Close()
			n := <-read
			b.StopTimer()
			b.ReportMetric(float64(cpuTime()-before)/float64(b.N), "cpu-ns/op")
			r.Close()
			if n != b.N {
				b.Fatalf("%d lines read, %d written", n, b.N)
			}
		})
	}
}

func cpuTime() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
