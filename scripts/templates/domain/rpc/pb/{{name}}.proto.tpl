syntax = "proto3";

package pb;
option go_package = "./pb";

message Item {
  int64 id = 1;
  int64 userId = 2;
  string title = 3;
}

message CreateItemReq {
  int64 userId = 1;
  string title = 2;
}
message CreateItemResp {
  int64 id = 1;
}

message GetItemReq {
  int64 id = 1;
}
message GetItemResp {
  Item item = 1;
}

service {{name}} {
  rpc createItem(CreateItemReq) returns (CreateItemResp);
  rpc getItem(GetItemReq) returns (GetItemResp);
}
