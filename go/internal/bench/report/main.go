// Command report runs the Go benchmark matrix (internal/bench) interleaved in one process
// and prints bench/go.md's table: per cell the best round of each contender, timed on the
// thread's CPU time (the machine is shared; wall time moves with the other jobs), and
// hooksig's speed as a multiple of the standard library's.
//
//	CGO_LDFLAGS=-L../target/release go run ./internal/bench/report [-rounds 15] [-round 20ms]
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	hooksig "example.invalid/hooksig/go"
	"example.invalid/hooksig/go/internal/bench"
)

// threadCPU is the calling thread's CPU time (CLOCK_THREAD_CPUTIME_ID).
func threadCPU() time.Duration {
	var ts syscall.Timespec
	const clockThreadCPUTimeID = 3
	if _, _, errno := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTimeID, uintptr(unsafe.Pointer(&ts)), 0); errno != 0 {
		panic(errno)
	}
	return time.Duration(ts.Nano())
}

// run times n iterations of f (a benchmark body) on this thread's CPU clock, and counts
// its allocations per iteration.
func run(f func(*testing.B), n int) (time.Duration, float64) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b := &testing.B{N: n}
	start := threadCPU()
	f(b)
	elapsed := threadCPU() - start
	runtime.ReadMemStats(&after)
	return elapsed, float64(after.Mallocs-before.Mallocs) / float64(n)
}

type cell struct {
	bench.Case
	n                           int
	hooksig, stdlib             time.Duration // best ns/op so far
	ratios                      []float64     // per round
	hooksigAllocs, stdlibAllocs float64
}

func main() {
	rounds := flag.Int("rounds", 15, "interleaved rounds per cell")
	round := flag.Duration("round", 20*time.Millisecond, "CPU time per contender per round")
	flag.Parse()
	runtime.LockOSThread()

	var cells []*cell
	for _, c := range bench.Cases() {
		cl := &cell{Case: c}
		// Calibrate: iterations for about one round of the slower side.
		n := 1
		for {
			d, _ := run(c.Stdlib, n)
			if d >= *round/4 || n >= 1<<24 {
				n = int(float64(n) * float64(*round) / float64(d+1))
				break
			}
			n *= 4
		}
		if n < 1 {
			n = 1
		}
		cl.n = n
		cells = append(cells, cl)
	}
	for r := 0; r < *rounds; r++ {
		for _, cl := range cells {
			// Alternate which side goes first.
			var h, s time.Duration
			if r%2 == 0 {
				h, cl.hooksigAllocs = run(cl.Hooksig, cl.n)
				s, cl.stdlibAllocs = run(cl.Stdlib, cl.n)
			} else {
				s, cl.stdlibAllocs = run(cl.Stdlib, cl.n)
				h, cl.hooksigAllocs = run(cl.Hooksig, cl.n)
			}
			h, s = h/time.Duration(cl.n), s/time.Duration(cl.n)
			if cl.hooksig == 0 || h < cl.hooksig {
				cl.hooksig = h
			}
			if cl.stdlib == 0 || s < cl.stdlib {
				cl.stdlib = s
			}
			cl.ratios = append(cl.ratios, float64(s)/float64(h))
		}
	}

	fmt.Printf("Go %s, hooksig library %s, %s; %s\n", runtime.Version(), hooksig.Version(), machine(), load())
	fmt.Printf("%s, %d interleaved rounds of ~%v CPU time per contender, best round kept\n\n",
		time.Now().UTC().Format("2006-01-02 15:04 MST"), *rounds, *round)
	fmt.Println("| shape | headers | body | hooksig | crypto/hmac + hmac.Equal | speed-up (best rounds) | per-round median | allocs/op hooksig, stdlib |")
	fmt.Println("|---|---|---|---|---|---|---|---|")
	worst := map[int]*cell{}
	for _, cl := range cells {
		ratio := float64(cl.stdlib) / float64(cl.hooksig)
		fmt.Printf("| %s | %s | %s | %s | %s | %.2fx | %.2fx | %.1f, %.1f |\n", cl.Shape, cl.Container,
			bench.SizeName(cl.Size), duration(cl.hooksig), duration(cl.stdlib), ratio, median(cl.ratios),
			cl.hooksigAllocs, cl.stdlibAllocs)
		if w := worst[cl.Size]; w == nil || ratio < float64(w.stdlib)/float64(w.hooksig) {
			worst[cl.Size] = cl
		}
	}
	fmt.Println()
	for _, size := range bench.Sizes {
		w := worst[size]
		fmt.Printf("worst cell at %s: %s, %s: %.2fx\n", bench.SizeName(size), w.Shape, w.Container,
			float64(w.stdlib)/float64(w.hooksig))
	}
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[len(s)/2]
}

func duration(d time.Duration) string {
	if d >= 10*time.Microsecond {
		return fmt.Sprintf("%.1f µs", float64(d)/1e3)
	}
	return fmt.Sprintf("%.2f µs", float64(d)/1e3)
}

func machine() string {
	out, err := exec.Command("lscpu").Output()
	if err != nil {
		return "lscpu unavailable"
	}
	var model, family, mod string
	for _, line := range strings.Split(string(out), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		switch strings.TrimSpace(k) {
		case "Model name":
			model = v
		case "CPU family":
			family = v
		case "Model":
			mod = v
		}
	}
	return fmt.Sprintf("%s (family %s, model %s), %d CPUs", model, family, mod, runtime.NumCPU())
}

func load() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "load unknown"
	}
	f := strings.Fields(string(b))
	return "load average " + strings.Join(f[:3], " ")
}
