// Package metrics is crmbot's Prometheus instrumentation: the counters and
// histograms the durable paths report into, and the gauges read from the
// database at scrape time (backlogs, queue depths, River's leader). Each
// process serves its own registry at /metrics; README.md lists every
// metric and docs/OPERATIONS.md the ones to alert on.
package metrics

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds one process's collectors. Create it with New; its methods
// are safe for concurrent use, and a nil *Metrics ignores every report.
type Metrics struct {
	reg        *prometheus.Registry
	received   *prometheus.CounterVec
	processed  prometheus.Counter
	failed     prometheus.Counter
	parked     prometheus.Counter
	processing *prometheus.HistogramVec
	replyDelay prometheus.Histogram
	sends      *prometheus.CounterVec
	sendTime   prometheus.Histogram
}

// New returns the collectors of a process of the given version, with Go's
// runtime and process metrics.
func New(version string) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.received = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "crmbot_updates_received_total",
		Help: "Updates committed to the inbox, by how they came (webhook or polling)."}, []string{"source"})
	m.processed = prometheus.NewCounter(prometheus.CounterOpts{Name: "crmbot_updates_processed_total",
		Help: "Updates handled and committed."})
	m.failed = prometheus.NewCounter(prometheus.CounterOpts{Name: "crmbot_updates_failed_total",
		Help: "Handler attempts that failed and will be retried."})
	m.parked = prometheus.NewCounter(prometheus.CounterOpts{Name: "crmbot_updates_parked_total",
		Help: "Updates set aside after repeated failures (the user is told to try again)."})
	m.processing = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "crmbot_update_processing_seconds",
		Help:    "Time the bot's handler took for one update, by update kind.",
		Buckets: []float64{.002, .005, .01, .02, .05, .1, .2, .5, 1, 2, 5}}, []string{"kind"})
	m.replyDelay = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "crmbot_reply_latency_seconds",
		Help:    "From a reply being queued (its update's commit) to Telegram's answer to the send.",
		Buckets: []float64{.01, .02, .05, .1, .2, .5, 1, 2, 5, 10, 30, 60}})
	m.sends = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "crmbot_sends_total",
		Help: "Bot API calls that send or change messages, by method and result (ok, 429, 403, 5xx, refused, network)."},
		[]string{"method", "result"})
	m.sendTime = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "crmbot_send_call_seconds",
		Help:    "Duration of one Bot API send attempt.",
		Buckets: []float64{.01, .02, .05, .1, .2, .5, 1, 2, 5}})
	info := prometheus.NewGauge(prometheus.GaugeOpts{Name: "crmbot_build_info", Help: "Always 1; the version is a label.",
		ConstLabels: prometheus.Labels{"version": version}})
	info.Set(1)
	m.reg.MustRegister(m.received, m.processed, m.failed, m.parked, m.processing, m.replyDelay, m.sends, m.sendTime, info,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the registry in Prometheus' text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg, Timeout: 10 * time.Second})
}

// Register adds collectors of other parts (the gauges below).
func (m *Metrics) Register(cs ...prometheus.Collector) { m.reg.MustRegister(cs...) }

// Received counts n updates committed from source ("webhook", "polling").
func (m *Metrics) Received(source string, n int) {
	if m != nil && n > 0 {
		m.received.WithLabelValues(source).Add(float64(n))
	}
}

// Handled records one handler run of an update of kind.
func (m *Metrics) Handled(kind string, took time.Duration, err error) {
	if m == nil {
		return
	}
	m.processing.WithLabelValues(kind).Observe(took.Seconds())
	if err != nil {
		m.failed.Inc()
	}
}

// Committed counts updates whose transaction committed.
func (m *Metrics) Committed(n int) {
	if m != nil && n > 0 {
		m.processed.Add(float64(n))
	}
}

// Parked counts an update set aside.
func (m *Metrics) Parked() {
	if m != nil {
		m.parked.Inc()
	}
}

// ReplySent records the time from a reply's queueing to its send.
func (m *Metrics) ReplySent(queued time.Duration) {
	if m != nil {
		m.replyDelay.Observe(queued.Seconds())
	}
}

// SendResult records one Bot API send attempt of method and its outcome;
// code is the Bot API's error code (0 for success, -1 for no answer).
func (m *Metrics) SendResult(method string, took time.Duration, code int) {
	if m == nil {
		return
	}
	m.sendTime.Observe(took.Seconds())
	m.sends.WithLabelValues(method, ResultOf(code)).Inc()
}

// ResultOf names a send's outcome by its error code.
func ResultOf(code int) string {
	switch {
	case code == 0:
		return "ok"
	case code < 0:
		return "network"
	case code == http.StatusTooManyRequests:
		return "429"
	case code == http.StatusForbidden:
		return "403"
	case code >= 500:
		return "5xx"
	}
	return "refused"
}

// Gauge is a value read at scrape time.
type Gauge struct {
	Name, Help string
	Read       func(ctx context.Context) (float64, error)
}

// dbGauges reads gauges from the database at scrape time, each bounded so
// that a slow database never stalls a scrape.
type dbGauges struct {
	gauges []Gauge
	descs  []*prometheus.Desc
	errs   *prometheus.Desc
}

// NewGauges returns a collector of gauges read at scrape time.
func NewGauges(gs ...Gauge) prometheus.Collector {
	c := &dbGauges{gauges: gs, errs: prometheus.NewDesc("crmbot_metrics_read_errors", "Gauges that could not be read at this scrape.", nil, nil)}
	for _, g := range gs {
		c.descs = append(c.descs, prometheus.NewDesc(g.Name, g.Help, nil, nil))
	}
	return c
}

func (c *dbGauges) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range c.descs {
		ch <- d
	}
	ch <- c.errs
}

func (c *dbGauges) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	errs := 0
	for i, g := range c.gauges {
		v, err := g.Read(ctx)
		if err != nil {
			errs++
			continue
		}
		ch <- prometheus.MustNewConstMetric(c.descs[i], prometheus.GaugeValue, v)
	}
	ch <- prometheus.MustNewConstMetric(c.errs, prometheus.GaugeValue, float64(errs))
}

// CounterFunc is a counter kept elsewhere (the refused replies).
func CounterFunc(name, help string, read func() float64) prometheus.Collector {
	return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, read)
}

// GaugeFunc is a gauge kept elsewhere (the pool's connections).
func GaugeFunc(name, help string, read func() float64) prometheus.Collector {
	return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, read)
}

// ErrorCode is the Bot API error code of err for SendResult: 0 for nil,
// the code of an error that carries one, -1 otherwise.
func ErrorCode(err error) int {
	if err == nil {
		return 0
	}
	var c interface{ BotAPICode() int }
	if errors.As(err, &c) {
		return c.BotAPICode()
	}
	return -1
}
