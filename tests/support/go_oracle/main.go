// The test oracle for the probe's verdict: Go's own crypto/x509 Verify, run as a TLS client runs
// it (intermediates = the served chain after the leaf, roots = the given pool, DNSName = the
// dialled name, the server-auth usage), at a given time. Prints one line: a verdict class and
// Go's message, tab-separated. The differential test compares the class with the probe's
// "go_error".
//
// usage: go_oracle CHAIN.pem ROOTS.pem NAME|- RFC3339-TIME
package main

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
)

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "go_oracle: "+format+"\n", args...)
	os.Exit(2)
}

// readCerts reads the PEM certificates of path. A served certificate that does not parse ends the
// run with the class parse-error (crypto/tls refuses the handshake); a pool certificate that does
// not parse is skipped, as AppendCertsFromPEM skips it.
func readCerts(path string, served bool) []*x509.Certificate {
	data, err := os.ReadFile(path)
	if err != nil {
		fail("%v", err)
	}
	var certs []*x509.Certificate
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			return certs
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil && served {
			fmt.Printf("parse-error\ttls: failed to parse certificate from server: %v\n", err)
			os.Exit(0)
		}
		if err != nil {
			continue
		}
		certs = append(certs, c)
	}
}

// class names the kind of Go's error, in the words of the probe's go_error field.
func class(err error) string {
	if err == nil {
		return "ok"
	}
	var hostErr x509.HostnameError
	var invalid x509.CertificateInvalidError
	var unknown x509.UnknownAuthorityError
	var critical x509.UnhandledCriticalExtension
	msg := err.Error()
	switch {
	case errors.As(err, &hostErr):
		switch {
		case strings.Contains(msg, "legacy Common Name"):
			return "legacy-common-name"
		case strings.Contains(msg, "doesn't contain any IP SANs"):
			return "no-ip-sans"
		}
		return "hostname-mismatch"
	case errors.As(err, &invalid):
		switch invalid.Reason {
		case x509.Expired:
			if strings.Contains(msg, " is before ") {
				return "not-yet-valid"
			}
			return "expired"
		case x509.NotAuthorizedToSign:
			return "not-authorized-to-sign"
		case x509.TooManyIntermediates:
			return "too-many-intermediates"
		case x509.IncompatibleUsage:
			return "incompatible-usage"
		case x509.CANotAuthorizedForThisName, x509.NameConstraintsWithoutSANs, x509.UnconstrainedName,
			x509.TooManyConstraints:
			return "name-constraints"
		case x509.NameMismatch:
			return "name-mismatch"
		}
		return "other"
	case errors.As(err, &unknown):
		if strings.Contains(msg, "insecure algorithm") {
			return "insecure-signature"
		}
		return "unknown-authority"
	case errors.As(err, &critical):
		return "unhandled-critical-extension"
	}
	if strings.Contains(msg, "signature check attempts limit") {
		return "too-much-work"
	}
	return "other"
}

func main() {
	if len(os.Args) != 5 {
		fail("usage: go_oracle CHAIN.pem ROOTS.pem NAME|- RFC3339-TIME")
	}
	chain := readCerts(os.Args[1], true)
	if len(chain) == 0 {
		fail("%s: no certificate", os.Args[1])
	}
	roots := x509.NewCertPool()
	for _, c := range readCerts(os.Args[2], false) {
		roots.AddCert(c)
	}
	intermediates := x509.NewCertPool()
	for _, c := range chain[1:] {
		intermediates.AddCert(c)
	}
	at, err := time.Parse(time.RFC3339, os.Args[4])
	if err != nil {
		fail("%v", err)
	}
	name := os.Args[3]
	if name == "-" {
		name = ""
	}
	_, err = chain[0].Verify(x509.VerifyOptions{
		DNSName:       name,
		Intermediates: intermediates,
		Roots:         roots,
		CurrentTime:   at,
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	})
	detail := ""
	if err != nil {
		detail = err.Error()
	}
	fmt.Printf("%s\t%s\n", class(err), detail)
}
