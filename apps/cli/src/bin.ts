console.log("p2pdma");
