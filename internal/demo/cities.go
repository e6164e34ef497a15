package demo

// point is a place on the map, in degrees.
type point struct{ lat, lon float64 }

// cityCentre returns the centre of a customer's city, as the rep typed it,
// where visits are logged (with a little scatter around it).
func cityCentre(city string) (point, bool) {
	p, ok := map[string]point{
		"تهران":          {35.6892, 51.3890},
		"اصفهان":         {32.6546, 51.6680},
		"شیراز":          {29.5918, 52.5837},
		"کرج":            {35.8400, 50.9391},
		"مشهد":           {36.2605, 59.6168},
		"تبریز":          {38.0800, 46.2919},
		"بندرعباس":       {27.1832, 56.2666},
		"الرياض":         {24.7136, 46.6753},
		"جدة":            {21.4858, 39.1925},
		"الدمام":         {26.4207, 50.0888},
		"الخبر":          {26.2172, 50.1971},
		"Dubai":          {25.2048, 55.2708},
		"Abu Dhabi":      {24.4539, 54.3773},
		"Sharjah":        {25.3463, 55.4209},
		"Ras Al Khaimah": {25.8007, 55.9762},
	}[city]
	return p, ok
}
