package loadkit

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// CPU is the CPU time (user and system) each named process has spent.
type CPU map[string]time.Duration

// CPUTimes reads utime+stime of each process, by name, from /proc
// (Linux only). A pid of 0, a process gone, or another OS leaves its
// name out, which reads as zero.
func CPUTimes(procs map[string]int) CPU {
	out := CPU{}
	for name, pid := range procs {
		if pid == 0 {
			continue
		}
		raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		// Fields after the command's closing parenthesis; utime and
		// stime are the 14th and 15th of the whole line, in ticks of
		// 1/100 s (USER_HZ on Linux).
		f := strings.Fields(string(raw[bytes.LastIndexByte(raw, ')')+1:]))
		if len(f) < 13 {
			continue
		}
		u, _ := strconv.ParseInt(f[11], 10, 64)
		s, _ := strconv.ParseInt(f[12], 10, 64)
		out[name] = time.Duration(u+s) * 10 * time.Millisecond
	}
	return out
}

// Minus is the CPU time spent since before was read.
func (c CPU) Minus(before CPU) CPU {
	out := CPU{}
	for k, v := range c {
		out[k] = v - before[k]
	}
	return out
}

// MicrosPer is name's CPU time per call, in microseconds.
func (c CPU) MicrosPer(name string, calls int) float64 {
	return c[name].Seconds() * 1e6 / float64(calls)
}

// LoadAverage is the 1, 5 and 15 minute load averages, as in
// /proc/loadavg ("0.75 1.68 2.70"), or "unknown".
func LoadAverage() string {
	raw, _ := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(raw)); len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
}

// CPUModel is the first model name in /proc/cpuinfo, or "unknown CPU".
func CPUModel() string {
	raw, _ := os.ReadFile("/proc/cpuinfo")
	for line := range strings.SplitSeq(string(raw), "\n") {
		if name, ok := strings.CutPrefix(line, "model name"); ok {
			return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(name), ":"))
		}
	}
	return "unknown CPU"
}

// Syscalls is how many read and write system calls (read, write and
// their kin: syscr and syscw of /proc/PID/io, every thread counted) each
// named process has made. Unlike CPU time it does not swing with what
// else runs on the machine, so it shows a cut in system calls per
// request however loaded the run.
type Syscalls map[string][2]int64

// SyscallCounts reads them, by name (Linux only; a process gone or
// another OS reads as zero).
func SyscallCounts(procs map[string]int) Syscalls {
	out := Syscalls{}
	for name, pid := range procs {
		if pid == 0 {
			continue
		}
		raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/io", pid))
		if err != nil {
			continue
		}
		var rw [2]int64
		for line := range strings.SplitSeq(string(raw), "\n") {
			if v, ok := strings.CutPrefix(line, "syscr: "); ok {
				rw[0], _ = strconv.ParseInt(v, 10, 64)
			} else if v, ok := strings.CutPrefix(line, "syscw: "); ok {
				rw[1], _ = strconv.ParseInt(v, 10, 64)
			}
		}
		out[name] = rw
	}
	return out
}

// Minus is the calls made since before was read.
func (s Syscalls) Minus(before Syscalls) Syscalls {
	out := Syscalls{}
	for k, v := range s {
		out[k] = [2]int64{v[0] - before[k][0], v[1] - before[k][1]}
	}
	return out
}

// Per is name's reads and writes per call.
func (s Syscalls) Per(name string, calls int) (reads, writes float64) {
	return float64(s[name][0]) / float64(calls), float64(s[name][1]) / float64(calls)
}
