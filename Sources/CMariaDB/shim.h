#include <mysql.h>
// The reactor that drives libmariadb's non-blocking calls waits on their sockets with epoll.
#include <sys/epoll.h>
#include <sys/eventfd.h>
