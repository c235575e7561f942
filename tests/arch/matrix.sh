# SPDX-License-Identifier: Apache-2.0
# matrix.sh: the arrows of the architecture (design.md "The pipeline" and "Layout"), read by
# layers.sh (includes) and calls.sh (symbols). Sourced, not run.
#
#   core                 at the bottom: the data model and the shared pieces
#   walk hash scan       the stages, over core only; sign also over hash (it signs digests),
#   sign judge report    report also over judge (it writes a judgement); no other stage
#                        sees another. The walk hands bytes to a sink (core/sink.h) that
#                        the pipeline fills; sign hashes a model through a walker that the
#                        pipeline gives it (sign/sign.h)
#   net                  clients of remote sources over core
#   run                  the pipeline, over every stage and net: it opens the remote
#                        sources (oci:// inputs) whose entries the walk then reads through
#                        core/remote.h, so the walk itself never sees a client
#   serve                the service, over the pipeline and what it reports with
#   cli                  the command, over the public header mavis.h, its own cli.h and the
#                        service it starts (serve/serve.h)
#
# Every part may include config.h and mavis.h.

# The parts part may see (itself included); fails for a name that is not a part.
mv_arch_allowed() {
	case $1 in
	core) echo "core" ;;
	walk|hash|scan|judge|net) echo "$1 core" ;;
	sign) echo "sign core hash" ;;
	report) echo "report core judge" ;;
	run) echo "run core walk hash scan sign judge report net" ;;
	serve) echo "serve core run walk hash scan sign judge report net" ;;
	cli) echo "cli serve" ;;
	*) return 1 ;;
	esac
}
