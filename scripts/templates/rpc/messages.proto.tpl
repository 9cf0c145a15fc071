message {{Method}}Req {
}
message {{Method}}Resp {
}
