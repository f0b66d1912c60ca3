/* server: the route table (the API's table of contents) and `helsebro serve`. */
#ifndef HB_SERVER_H
#define HB_SERVER_H

int hb_cmd_serve(int argc, char **argv);

#endif
