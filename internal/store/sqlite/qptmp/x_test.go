package qp

import (
	"database/sql"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

func TestX(t *testing.T) {
	db, _ := sql.Open("sqlite", "file:/tmp/seed3/reprise.db?_pragma=query_only(1)&_pragma=cache_size(-65536)")
	db.SetMaxOpenConns(1)
	now := time.Now().UnixMilli()
	day := int64(86400000)
	qs := strings.Split(os.Getenv("QS"), ";;")
	for _, q := range qs {
		q = strings.TrimSpace(q)
		if q == "" {
			continue
		}
		q = strings.ReplaceAll(q, "NOW", fmt.Sprint(now))
		q = strings.ReplaceAll(q, "DAY", fmt.Sprint(day))
		rows, err := db.Query("EXPLAIN QUERY PLAN " + q)
		if err != nil {
			t.Fatal(q, err)
		}
		fmt.Println(q)
		for rows.Next() {
			var a, b, c int
			var d string
			rows.Scan(&a, &b, &c, &d)
			fmt.Println("   ", d)
		}
		rows.Close()
		for range 3 {
			st := time.Now()
			rows, _ := db.Query(q)
			n := 0
			for rows.Next() {
				n++
			}
			rows.Close()
			fmt.Println("   ", n, "rows", time.Since(st))
		}
	}
}
