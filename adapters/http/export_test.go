package http

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"testing"

	"github.com/kincare/kincare/domain/indicator"
)

// exportRows writes n rows of a realistic register (ids, Chinese names,
// numbers) to a fresh writer of format f.
func exportRows(t testing.TB, f exportFormat, w io.Writer, n int) {
	tw, err := newTableWriter(f, w, "机构名录")
	if err != nil {
		t.Fatal(err)
	}
	if err := tw.Row(providerColumns.in("zh-CN")...); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if err := tw.Row(fmt.Sprintf("0193a1b2-%08d", i), fmt.Sprintf("徐汇区第%d居家养老服务中心", i), "310104",
			"上海市徐汇区漕溪北路88号", "home_care 沪民养备字第"+fmt.Sprint(i)+"号", "verified", "normal",
			float64(i)/3); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
}

// The same rows give the same bytes, in both formats, past the size at
// which excelize's stream writer moves rows to a temporary file; every
// zip entry of the workbook carries the fixed time.
func TestAnExportIsTheSameBytesEveryTime(t *testing.T) {
	const rows = 40_000 // more providers than a province registers
	for _, f := range []exportFormat{formatCSV, formatXLSX} {
		var a, b bytes.Buffer
		exportRows(t, f, &a, rows)
		exportRows(t, f, &b, rows)
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Fatalf("%s: two exports of the same rows differ (%d and %d bytes)", f, a.Len(), b.Len())
		}
		if f != formatXLSX {
			continue
		}
		z, err := zip.NewReader(bytes.NewReader(a.Bytes()), int64(a.Len()))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range z.File {
			if !e.Modified.Equal(indicator.FileTime) {
				t.Errorf("%s is dated %s", e.Name, e.Modified)
			}
		}
	}
}

// BenchmarkExport is an export of a register of 10,000 providers.
func BenchmarkExport(b *testing.B) {
	for _, f := range []exportFormat{formatCSV, formatXLSX} {
		b.Run(string(f), func(b *testing.B) {
			for b.Loop() {
				var buf bytes.Buffer
				exportRows(b, f, &buf, 10_000)
				b.SetBytes(int64(buf.Len()))
			}
		})
	}
}
