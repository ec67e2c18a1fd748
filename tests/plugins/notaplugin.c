/* A shared object without the lumbard_plugin descriptor. */
int lumbard_test_not_a_plugin(void);
int lumbard_test_not_a_plugin(void) {
  return 42;
}
