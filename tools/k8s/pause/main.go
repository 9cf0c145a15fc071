// Command pause is the pod sandbox's process: it holds the pod's namespaces and does nothing until
// the kubelet stops the pod. Built with the cluster's binaries and packed into the local pause image,
// since no registry is reachable to pull one.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	// As PID 1 of the pod it also reaps the orphans that end up under it.
	signal.Ignore(syscall.SIGCHLD)
	<-stop
}
